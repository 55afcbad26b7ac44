using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Wallets;

namespace RechargePortal.Features.Operations;

public static class HealthEndpoint
{
    /// <summary>
    /// <c>/health</c>: 200 with a small JSON body when the database answers, 503 when it does not. No
    /// login. A ledger audit that found wallets differing from their entries makes it "degraded" (still
    /// 200: the portal serves, but a person must look).
    /// </summary>
    public static IEndpointConventionBuilder MapHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/health", async (IDbContextFactory<PortalDbContext> factory, LedgerAuditService audit, TimeProvider time, ILoggerFactory logs, CancellationToken ct) =>
        {
            bool reachable;
            try
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                reachable = await db.Database.CanConnectAsync(ct)
                    && await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(ct) == 1;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logs.CreateLogger("Health").LogError(e, "Health check: database unreachable.");
                reachable = false;
            }

            var ledger = audit.Last;
            var status = !reachable ? "unhealthy" : ledger is { Clean: false } ? "degraded" : "healthy";
            var body = new
            {
                status,
                database = reachable ? "ok" : "unreachable",
                ledger = ledger is null ? "not audited yet" : ledger.Clean ? "ok" : ledger.Summary,
                ledgerAuditedAt = ledger?.AtUtc,
                time = time.GetUtcNow(),
            };
            return Results.Json(body, statusCode: reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();
}
