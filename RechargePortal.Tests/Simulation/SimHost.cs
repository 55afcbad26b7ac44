using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Providers;
using RechargePortal.Providers.Sandbox;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Simulation;

/// <summary>Thrown into a dead host's work: the process it stands for is gone.</summary>
internal sealed class SimulatedProcessDeath(string message) : Exception(message);

/// <summary>
/// Whether one host's process is alive. Once it dies, nothing it does reaches the database or a
/// vendor again: a crash can land between any two statements, as a real one does.
/// </summary>
internal sealed class HostLife(int generation)
{
    private readonly TaskCompletionSource died = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Generation { get; } = generation;

    public bool Dead => died.Task.IsCompleted;

    public Task Died => died.Task;

    public string? Cause { get; private set; }

    public void Kill(string cause)
    {
        lock (died)
        {
            if (!Dead)
            {
                Cause = cause;
                died.TrySetResult();
            }
        }
    }

    private long statements;
    private long dieAtStatement = long.MaxValue;

    /// <summary>The process will die on its <paramref name="count"/>-th database statement from now, whatever it is doing.</summary>
    public void DieAfterStatements(long count) => Interlocked.Exchange(ref dieAtStatement, Interlocked.Read(ref statements) + count);

    public void Disarm() => Interlocked.Exchange(ref dieAtStatement, long.MaxValue);

    /// <summary>Counts a statement about to run; dies first if this is the one.</summary>
    public void OnStatement()
    {
        var n = Interlocked.Increment(ref statements);
        if (n == Interlocked.Read(ref dieAtStatement))
        {
            Kill($"died at its database statement {n}");
        }

        ThrowIfDead();
    }

    public void ThrowIfDead()
    {
        if (Dead)
        {
            throw new SimulatedProcessDeath($"host {Generation} is dead ({Cause})");
        }
    }
}

/// <summary>Every statement of a dead host fails before it reaches SQLite (its open transaction rolls back).</summary>
internal sealed class ProcessDeathInterceptor(HostLife life) : DbCommandInterceptor, IDbTransactionInterceptor
{
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        life.OnStatement();
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        life.OnStatement();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        life.OnStatement();
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        life.OnStatement();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        life.OnStatement();
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        life.OnStatement();
        return ValueTask.FromResult(result);
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        life.ThrowIfDead();
        return result;
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        life.ThrowIfDead();
        return ValueTask.FromResult(result);
    }
}

/// <summary>
/// SQLite waits for a busy write lock itself, in steps of a few milliseconds, instead of failing
/// to Microsoft.Data.Sqlite's retry loop, which sleeps far longer between tries. Same outcome
/// (the writer waits its turn), a fraction of the wall-clock time under the simulation's races.
/// </summary>
internal sealed class BusyTimeoutInterceptor : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => SetBusyTimeout(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        SetBusyTimeout(connection);
        return Task.CompletedTask;
    }

    private static void SetBusyTimeout(DbConnection connection)
    {
        if (connection is not Microsoft.Data.Sqlite.SqliteConnection)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 30000;";
        command.ExecuteNonQuery();
    }
}

/// <summary>The transport seam: every account talks to its in-process fake vendor; a dead host's requests never leave.</summary>
internal sealed class SimTransports(IHttpClientFactory http, SandboxUpstream sandbox, SimWorld world, HostLife life) : UpstreamTransports(http, sandbox)
{
    public override UpstreamHttp For(ProviderSettings settings)
    {
        var vendor = world.VendorNamed(settings.Name);
        var queries = new HttpClient(new VendorHandler(vendor, life)) { Timeout = Timeout.InfiniteTimeSpan };
        return new UpstreamHttp(() => queries, () => new HttpClient(new VendorHandler(vendor, life), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan });
    }

    private sealed class VendorHandler(FakeVendor vendor, HostLife life) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            life.ThrowIfDead();
            // The caller's token is not watched: a hung vendor hangs the caller, as a real socket does.
            return vendor.HandleAsync(request, life);
        }
    }
}

/// <summary>Keeps the errors the app logs (a dispatch that threw, an unreadable reply), with whether their host was alive.</summary>
internal sealed class ErrorLogSink(HostLife life, ConcurrentQueue<string> errors) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(life, errors, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(HostLife life, ConcurrentQueue<string> errors, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // A dead host's work fails by design; only a live host's errors mean something.
            if (logLevel < LogLevel.Error || life.Dead || IsDeath(exception))
            {
                return;
            }

            errors.Enqueue($"host {life.Generation} {category}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}");
        }

        private static bool IsDeath(Exception? e) => e is not null && (e is SimulatedProcessDeath || IsDeath(e.InnerException));
    }
}

/// <summary>One instance of the real app on the run's database, vendors and clock.</summary>
internal sealed class SimHost : IAsyncDisposable
{
    private SimHost(PortalAppFactory app, HostLife life, Actor admin)
    {
        App = app;
        Life = life;
        Admin = admin;
    }

    public PortalAppFactory App { get; }

    public HostLife Life { get; }

    public Actor Admin { get; }

    public IServiceProvider Services => App.Services;

    public RechargeService Recharges => Services.GetRequiredService<RechargeService>();

    public RechargeProcessor Processor => Services.GetRequiredService<RechargeProcessor>();

    public static async Task<SimHost> StartAsync(SimWorld world, int generation)
    {
        var life = new HostLife(generation);
        var settings = new Dictionary<string, string?>
        {
            ["Providers:Ecare:Url"] = FakeVendor.EcareUrl,
            ["Providers:Ecare:AccessId"] = FakeVendor.AccessId,
            ["Providers:Ecare:AccessPass"] = FakeVendor.AccessPass,
            ["Providers:Ecare:TimeoutSeconds"] = "30",
            // Retry delays run on the fake clock, which nobody advances during a call.
            ["Providers:Ecare:QueryRetries"] = "0",
            ["Providers:Flexi:BaseUrl"] = FakeVendor.FlexiBaseUrl,
            ["Providers:Flexi:User"] = FakeVendor.FlexiUser,
            ["Providers:Flexi:Key"] = FakeVendor.FlexiKey,
            ["Providers:Flexi:TimeoutSeconds"] = "30",
            ["Providers:Flexi:QueryRetries"] = "0",
            ["Recharge:DailyCountLimit"] = "1000000",
            ["Recharge:DailyAmountLimit"] = "1000000000",
            ["Recharge:DuplicateWindowMinutes"] = "0",
            // The abuse limits are PlacementLimitTests' subject; here, as the daily limits, they stay out of the way (still counted on every placement).
            ["RateLimits:RechargesPerResellerPerMinute"] = "100000",
            ["RateLimits:FailedRechargesPerResellerPerDay"] = "1000000",
            // Shorter than the default 30 so that deadlines pass, and admins work the queue, while recharges keep coming.
            ["Recharge:DeadlineMinutes"] = "10",
        };
        var app = new PortalAppFactory(world.DatabasePath, settings, world.Clock, services =>
        {
            services.AddSingleton<UpstreamTransports>(sp => new SimTransports(
                sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<SandboxUpstream>(), world, life));
            services.ConfigureDbContext<PortalDbContext>(
                options => options.AddInterceptors(new ProcessDeathInterceptor(life), new BusyTimeoutInterceptor()), ServiceLifetime.Singleton);
            services.AddLogging(logging => logging.ClearProviders().AddProvider(new ErrorLogSink(life, world.Errors)));
        });
        _ = app.Services;
        return new SimHost(app, life, await app.AdminActorAsync());
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
