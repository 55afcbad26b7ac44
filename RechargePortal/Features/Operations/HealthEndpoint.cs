using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;

namespace RechargePortal.Features.Operations;

public static class HealthEndpoint
{
    /// <summary><c>/health</c>: 200 with a small JSON body when the database answers, 503 when it does not. No login.</summary>
    public static IEndpointConventionBuilder MapHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/health", async (IDbContextFactory<PortalDbContext> factory, TimeProvider time, ILoggerFactory logs, CancellationToken ct) =>
        {
            bool reachable;
            try
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                reachable = await db.Database.CanConnectAsync(ct)
                    && await db.Database.SqlQueryRaw<int>("SELECT 1 AS Value").SingleAsync(ct) == 1;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logs.CreateLogger("Health").LogError(e, "Health check: database unreachable.");
                reachable = false;
            }

            var body = new { status = reachable ? "healthy" : "unhealthy", database = reachable ? "ok" : "unreachable", time = time.GetUtcNow() };
            return Results.Json(body, statusCode: reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();
}
