using System.Data.Common;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RechargePortal.Data;

/// <summary>
/// Makes a connection that meets another writer's lock wait for it inside SQLite, in short steps (SQLite's own busy
/// schedule: 1, 2, 5 ... 100 ms), up to the connection's default timeout. Without it Microsoft.Data.Sqlite, which sets no
/// busy timeout, gets SQLITE_BUSY at once and sleeps 150 ms before each retry: with a few concurrent writers (placements,
/// status checks) those sleeps, not the database, set the pace (<c>bench-backlog</c> and <c>bench-pipeline</c> measured it).
/// Counts the statements that had to wait, for the benchmarks.
/// </summary>
public sealed class SqliteBusyWait : DbConnectionInterceptor
{
    // SQLite's sqliteDefaultBusyCallback delays, in ms; the last repeats.
    private static readonly int[] Delays = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];
    private static readonly int[] Totals = Delays.Select((_, i) => Delays.Take(i).Sum()).ToArray();

    // Kept in a static field: native code calls it for as long as any connection lives.
    private static readonly BusyHandler Handler = Wait;
    private static readonly IntPtr HandlerPointer = Marshal.GetFunctionPointerForDelegate(Handler);
    private static long waits;
    private static bool nativeHandler = true;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyHandler(IntPtr timeoutMs, int count);

    /// <summary>Statements that met another connection's lock and waited for it, since the process started.</summary>
    public static long Waits => Interlocked.Read(ref waits);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Install(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Install(connection);
        return Task.CompletedTask;
    }

    /// <summary>On every open: a pooled connection keeps its handle, and setting the handler again is cheap.</summary>
    public static void Install(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite)
        {
            return;
        }

        var timeoutMs = sqlite.DefaultTimeout * 1000;
        if (nativeHandler)
        {
            try
            {
                sqlite3_busy_handler(handle.DangerousGetHandle(), HandlerPointer, new IntPtr(timeoutMs));
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Another SQLite build than the bundled e_sqlite3: SQLite's own busy timeout waits the same way, uncounted.
                nativeHandler = false;
            }
        }

        SQLitePCL.raw.sqlite3_busy_timeout(handle, timeoutMs);
    }

    private static int Wait(IntPtr timeoutMs, int count)
    {
        if (count == 0)
        {
            Interlocked.Increment(ref waits);
        }

        var step = Math.Min(count, Delays.Length - 1);
        var waited = Totals[step] + (count - step) * Delays[^1];
        if (waited >= (long)timeoutMs)
        {
            // Give up: SQLITE_BUSY reaches Microsoft.Data.Sqlite, whose own timeout has passed too, and it throws.
            return 0;
        }

        Thread.Sleep(Math.Min(Delays[step], (int)((long)timeoutMs - waited)));
        return 1;
    }

    // SQLitePCLRaw does not wrap sqlite3_busy_handler; the bundled library exports it.
    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_handler(IntPtr db, IntPtr handler, IntPtr timeoutMs);
}
