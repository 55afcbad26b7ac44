using Npgsql;

namespace RechargePortal.Data;

/// <summary>
/// On PostgreSQL, one per instance: holds a dedicated connection that <c>LISTEN</c>s on
/// <see cref="ClusterNotifications.PgChannel"/> and hands what the other instances sent to
/// <see cref="ClusterNotifications"/>, and sends this instance's events with <c>pg_notify</c>. A dropped
/// connection is reopened with a backoff; what was sent while it was down is missed (a page shows it on its next load).
/// </summary>
public sealed class PostgreSqlNotificationRelay(
    ClusterNotifications cluster, string connectionString, TimeProvider time, ILogger<PostgreSqlNotificationRelay> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    /// <summary>Host and database only: the log never carries the connection string (it has the password).</summary>
    private readonly string where = new NpgsqlConnectionStringBuilder(connectionString) is var csb ? $"{csb.Host}:{csb.Port}/{csb.Database}" : "";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), PublishAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken ct)
    {
        // Its own connection, outside the pool: it stays open for the life of the instance. Keepalive notices a dead peer.
        var listening = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            KeepAlive = 15,
            ApplicationName = "RechargePortal notifications",
        }.ToString();
        var retry = FirstRetry;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listening);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => cluster.Deliver(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {ClusterNotifications.PgChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                cluster.MarkListening(true);
                logger.LogInformation("Listening for other instances' events on {Database}.", where);
                retry = FirstRetry;
                while (true)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                cluster.MarkListening(false);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                cluster.MarkListening(false);
                logger.LogWarning("The notification connection to {Database} failed ({Error}); retrying in {Seconds} s.", where, e.Message, retry.TotalSeconds);
            }

            if (!await DelayAsync(retry, ct))
            {
                return;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
        }
    }

    private async Task PublishAsync(CancellationToken ct)
    {
        var retry = FirstRetry;
        string? pending = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                pending ??= await cluster.Outbox.ReadAsync(ct);
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                // Send whatever else is queued on the same connection, in order.
                while (pending is not null)
                {
                    await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                    notify.Parameters.AddWithValue("channel", ClusterNotifications.PgChannel);
                    notify.Parameters.AddWithValue("payload", pending);
                    await notify.ExecuteNonQueryAsync(ct);
                    pending = cluster.Outbox.TryRead(out var next) ? next : null;
                }

                retry = FirstRetry;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                // The event stays pending (the queue behind it is bounded); local pages already have it.
                logger.LogWarning("Could not send an event to other instances through {Database} ({Error}); retrying in {Seconds} s.", where, e.Message, retry.TotalSeconds);
                if (!await DelayAsync(retry, ct))
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
