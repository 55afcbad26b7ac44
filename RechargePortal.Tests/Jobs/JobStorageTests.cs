using System.Collections.Concurrent;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.Server;
using Hangfire.States;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Jobs;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Jobs;

/// <summary>A job of the tests' own: says that it ran, where, and (for a recurring one) for which scheduled time.</summary>
public sealed class RecordingJob
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<Run>> Runs = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> FirstRuns = new();

    public sealed record Run(string JobId, string ServerId, long? ScheduledTime);

    public static IReadOnlyList<Run> RunsOf(string token) => Runs.GetOrAdd(token, _ => new()).ToArray();

    public static Task FirstRunOf(string token) => FirstRuns.GetOrAdd(token, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    // Hangfire passes the PerformContext in place of the null it was enqueued with.
    public void Record(string token, PerformContext? context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // "Time": the schedule's tick a recurring job was triggered for (absent on a plain enqueue).
        var time = context.GetJobParameter<long?>("Time");
        Runs.GetOrAdd(token, _ => new()).Enqueue(new Run(context.BackgroundJob.Id, context.ServerId, time));
        FirstRuns.GetOrAdd(token, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}

public sealed class JobStorageTests
{
    private static JobStorageKind StorageOf(params (string Key, string Value)[] settings) =>
        JobsRegistration.StorageOf(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Jobs_storage_follows_the_database_when_it_is_not_set()
    {
        Assert.Equal(JobStorageKind.InMemory, StorageOf());
        Assert.Equal(JobStorageKind.InMemory, StorageOf(("Database:Provider", "Sqlite")));
        Assert.Equal(JobStorageKind.PostgreSql, StorageOf(("Database:Provider", "PostgreSql")));
        Assert.Equal(JobStorageKind.PostgreSql, StorageOf(("Database:Provider", "PostgreSql"), ("Jobs:Storage", "")));
    }

    [Fact]
    public void A_set_jobs_storage_wins_over_the_database()
    {
        Assert.Equal(JobStorageKind.InMemory, StorageOf(("Database:Provider", "PostgreSql"), ("Jobs:Storage", "InMemory")));
        Assert.Equal(JobStorageKind.PostgreSql, StorageOf(("Database:Provider", "PostgreSql"), ("Jobs:Storage", "postgresql")));
    }

    [Theory]
    [InlineData("Redis")]
    [InlineData("1")]
    public void A_jobs_storage_that_is_no_storage_is_refused_with_the_choices(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageOf(("Database:Provider", "PostgreSql"), ("Jobs:Storage", value)));

        Assert.Equal($"Jobs:Storage is '{value}': use InMemory or PostgreSql, or leave it empty to follow Database:Provider (PostgreSql).", error.Message);
    }

    [Fact]
    public void PostgreSql_jobs_storage_on_a_SQLite_database_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageOf(("Jobs:Storage", "PostgreSql")));

        Assert.StartsWith("Jobs:Storage is PostgreSql but Database:Provider is Sqlite", error.Message);
    }

    [Fact]
    public void A_bad_jobs_storage_stops_the_start_with_a_clear_message()
    {
        using var app = new PortalAppFactory(null, new Dictionary<string, string?> { ["Jobs:Storage"] = "Redis" });

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("Jobs:Storage is 'Redis': use InMemory or PostgreSql", error.ToString());
    }

    [Fact]
    public void The_app_keeps_its_jobs_where_its_database_is_by_default()
    {
        using var app = new PortalAppFactory();

        var storage = app.Services.GetRequiredService<JobStorage>();

        if (PortalAppFactory.OnPostgres)
        {
            Assert.IsType<PostgreSqlStorage>(storage);
            Assert.Equal(JobStorageKind.PostgreSql, app.Services.GetRequiredService<JobStorageInfo>().Kind);
        }
        else
        {
            Assert.IsType<InMemoryStorage>(storage);
            Assert.Equal(JobStorageKind.InMemory, app.Services.GetRequiredService<JobStorageInfo>().Kind);
        }
    }

    [SkippableFact]
    public async Task A_job_enqueued_on_one_host_is_kept_in_PostgreSQL_and_runs_on_the_next_host_after_a_restart()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);
        var path = PortalAppFactory.NewDatabasePath();
        var token = Guid.NewGuid().ToString("N");
        try
        {
            string jobId;
            using (var first = new PortalAppFactory(path, new Dictionary<string, string?>()))
            {
                // Hangfire's server is off in the test hosts: the job waits in the queue.
                jobId = first.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<RecordingJob>(job => job.Record(token, null));
            }

            // In the database, in Hangfire's own schema, with the first host gone.
            await using (var connection = new Npgsql.NpgsqlConnection(PortalAppFactory.PostgresConnectionFor(path)))
            {
                await connection.OpenAsync();
                await using var stored = new Npgsql.NpgsqlCommand("""SELECT "statename" FROM "hangfire"."job" WHERE "id" = @id""", connection);
                stored.Parameters.AddWithValue("id", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(EnqueuedState.StateName, await stored.ExecuteScalarAsync());
            }

            Assert.Empty(RecordingJob.RunsOf(token));
            using var second = new PortalAppFactory(path, new Dictionary<string, string?> { ["Jobs:ServerEnabled"] = "true", ["Jobs:WorkerCount"] = "2" });
            _ = second.Services;

            await RecordingJob.FirstRunOf(token).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(jobId, Assert.Single(RecordingJob.RunsOf(token)).JobId);
            await WaitForAsync(() => second.Services.GetRequiredService<JobStorage>().GetMonitoringApi().JobDetails(jobId).History
                .Any(h => h.StateName == SucceededState.StateName));
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [SkippableFact]
    public async Task A_recurring_job_runs_once_per_scheduled_time_across_two_instances_on_one_database()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);
        var path = PortalAppFactory.NewDatabasePath();
        var token = Guid.NewGuid().ToString("N");
        var withServer = new Dictionary<string, string?> { ["Jobs:ServerEnabled"] = "true", ["Jobs:WorkerCount"] = "2" };
        try
        {
            using var first = new PortalAppFactory(path, withServer);
            _ = first.Services;
            using var second = new PortalAppFactory(path, withServer);
            _ = second.Services;
            var recurringId = $"test-every-second-{token}";

            // Every second: both servers' schedulers (polling every second) look at it at every tick.
            first.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<RecordingJob>(recurringId, job => job.Record(token, null), "* * * * * *");
            await WaitForAsync(() => RecordingJob.RunsOf(token).Count >= 4);
            first.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(recurringId);
            // A run already triggered may still be on its way to a worker.
            await Task.Delay(TimeSpan.FromSeconds(2));

            var runs = RecordingJob.RunsOf(token);
            Assert.All(runs, run => Assert.NotNull(run.ScheduledTime));
            // Once per tick: no scheduled time was triggered by both instances.
            Assert.Equal(runs.Count, runs.Select(r => r.ScheduledTime).Distinct().Count());
            Assert.Equal(runs.Count, runs.Select(r => r.JobId).Distinct().Count());
            // Two servers were there to race for it.
            Assert.Equal(2, first.Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers().Count);
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [SkippableFact]
    public async Task A_lock_left_by_a_killed_instance_lapses_after_a_minute_while_a_fresh_one_holds()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            using var app = new PortalAppFactory(path, new Dictionary<string, string?>());
            var storage = app.Services.GetRequiredService<JobStorage>();
            // What a killed instance leaves: the sweeper's lock row, taken 70 s ago, that nobody will delete; and one taken just now.
            await using (var db = new Npgsql.NpgsqlConnection(PortalAppFactory.PostgresConnectionFor(path)))
            {
                await db.OpenAsync();
                await using var plant = new Npgsql.NpgsqlCommand("""
                    INSERT INTO "hangfire"."lock" ("resource", "updatecount", "acquired") VALUES
                    ('hangfire:ReconcilePendingRechargesJob.RunAsync', 0, now() - interval '70 seconds'),
                    ('hangfire:fresh', 0, now())
                    """, db);
                await plant.ExecuteNonQueryAsync();
            }

            using var connection = storage.GetConnection();
            using (connection.AcquireDistributedLock("ReconcilePendingRechargesJob.RunAsync", TimeSpan.FromSeconds(5)))
            {
            }

            Assert.ThrowsAny<Hangfire.Storage.DistributedLockTimeoutException>(() => connection.AcquireDistributedLock("fresh", TimeSpan.FromSeconds(1)));
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(100);
        }
    }
}
