using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Wallets;
using RechargePortal.Jobs;

namespace RechargePortal.Features.Operations;

public static class HealthEndpoint
{
    // A check that has not answered by then counts as unreachable: a proxy polling /health/ready must not hang.
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>/health</c>: 200 with a small JSON body when the database and Hangfire's storage answer, 503 when either does
    /// not. No login, no secret (no connection string, no path). A ledger audit that found wallets differing from their
    /// entries makes it "degraded" (still 200: the portal serves, but a person must look). <c>instance</c> says which
    /// instance answered. <c>/health/ready</c>, for a proxy: 200 only once this instance has finished starting
    /// (migrations done, host started, not stopping) and its database and job storage answer, else 503.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", async (HttpContext http, LedgerAuditService audit, TimeProvider time, CancellationToken ct) =>
        {
            var checks = await CheckAsync(http.RequestServices, ct);
            var ledger = await audit.LatestAsync(ct);
            var status = !checks.Answered ? "unhealthy" : ledger is { Clean: false } ? "degraded" : "healthy";
            var body = new
            {
                status,
                database = checks.Database ? "ok" : "unreachable",
                jobs = checks.Jobs ? "ok" : "unreachable",
                jobStorage = checks.JobStorage.ToString(),
                instance = checks.Instance,
                ledger = ledger is null ? "not audited yet" : ledger.Clean ? "ok" : ledger.Summary,
                ledgerAuditedAt = ledger?.AtUtc,
                time = time.GetUtcNow(),
            };
            return Results.Json(body, statusCode: checks.Answered ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();

        endpoints.MapGet("/health/ready", async (HttpContext http, DatabaseStatus database, IHostApplicationLifetime lifetime, CancellationToken ct) =>
        {
            var started = database.Initialized && lifetime.ApplicationStarted.IsCancellationRequested;
            var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
            // Not even checked while starting or stopping: the proxy is to send nothing here either way.
            var checks = started && !stopping ? await CheckAsync(http.RequestServices, ct) : null;
            var ready = checks is { Answered: true };
            var body = new
            {
                status = ready ? "ready" : "not ready",
                started = stopping ? "stopping" : started ? "yes" : "starting",
                database = checks is null ? "not checked" : checks.Database ? "ok" : "unreachable",
                jobs = checks is null ? "not checked" : checks.Jobs ? "ok" : "unreachable",
                instance = http.RequestServices.GetRequiredService<PortalInstance>().Id,
            };
            return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();

        return endpoints;
    }

    private sealed record Checks(bool Database, bool Jobs, JobStorageKind JobStorage, string Instance)
    {
        public bool Answered => Database && Jobs;
    }

    private static async Task<Checks> CheckAsync(IServiceProvider services, CancellationToken ct)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Health");
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var database = await AnswersAsync(logger, "database", async () =>
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            return await db.Database.CanConnectAsync(ct)
                && await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(ct) == 1;
        }, ct);
        var storage = services.GetRequiredService<JobStorage>();
        // Hangfire's storage API is synchronous: off the request thread, and bounded.
        var jobs = await AnswersAsync(logger, "job storage", () => Task.Run(() =>
        {
            using var connection = storage.GetConnection();
            // Any read that goes to the store: the recurring jobs' set, a handful of ids.
            _ = connection is JobStorageConnection counted ? counted.GetSetCount("recurring-jobs") : connection.GetAllItemsFromSet("recurring-jobs").Count;
            return true;
        }, ct), ct);
        return new Checks(database, jobs, services.GetRequiredService<JobStorageInfo>().Kind, services.GetRequiredService<PortalInstance>().Id);
    }

    private static async Task<bool> AnswersAsync(ILogger logger, string what, Func<Task<bool>> check, CancellationToken ct)
    {
        try
        {
            return await check().WaitAsync(CheckTimeout, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(e, "Health check: {What} unreachable.", what);
            return false;
        }
    }
}
