using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Localization;
using RechargePortal.Security;

namespace RechargePortal.Providers.Routing;

/// <summary>An operator's route as the admin page shows it: providers in order, each with its pause state.</summary>
public sealed record OperatorRoute(MobileOperator Operator, IReadOnlyList<RouteStep> Steps, bool IsDefault);

public sealed record RouteStep(string Provider, bool Paused, bool Configured);

/// <summary>
/// Which providers serve which operator, in order. An operator without a saved route uses every
/// configured provider in configuration order. Paused providers stay in the route and are skipped.
/// </summary>
public sealed class RoutingService(
    IDbContextFactory<PortalDbContext> dbs, ProviderRegistry providers, AdminActions actions)
{
    public async Task<IReadOnlyList<OperatorRoute>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.Set<ProviderRoute>().AsNoTracking().ToListAsync(ct);
        var paused = await db.Set<ProviderState>().AsNoTracking().Where(s => s.Paused).Select(s => s.Name).ToListAsync(ct);
        return Enum.GetValues<MobileOperator>().Select(op =>
        {
            var saved = rows.Where(r => r.Operator == op).OrderBy(r => r.Position).Select(r => r.Provider).ToList();
            var names = saved.Count > 0 ? saved : providers.All.Select(p => p.Name).ToList();
            return new OperatorRoute(op, names.Select(n => new RouteStep(
                n, paused.Contains(n, StringComparer.OrdinalIgnoreCase), providers.Find(n) is not null)).ToList(), saved.Count == 0);
        }).ToList();
    }

    /// <summary>The providers to try for an operator, in order, paused ones left out.</summary>
    public async Task<IReadOnlyList<string>> ActiveRouteAsync(PortalDbContext db, MobileOperator op, CancellationToken ct = default)
    {
        var saved = await db.Set<ProviderRoute>().AsNoTracking().Where(r => r.Operator == op)
            .OrderBy(r => r.Position).Select(r => r.Provider).ToListAsync(ct);
        var names = saved.Count > 0 ? saved : providers.All.Select(p => p.Name).ToList();
        var paused = await db.Set<ProviderState>().AsNoTracking().Where(s => s.Paused).Select(s => s.Name).ToListAsync(ct);
        return names.Where(n => providers.Find(n) is not null && !paused.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>
    /// Replaces an operator's route (an <see cref="AdminActions"/> act with a step-up: it decides where the money goes).
    /// Refused, with nothing changed, for an unknown or repeated provider or an empty list.
    /// </summary>
    public Task<AdminResult> SetRouteAsync(Actor admin, MobileOperator op, IReadOnlyList<string> route, CancellationToken ct = default)
    {
        if (route.Count == 0)
        {
            return Task.FromResult(AdminResult.Fail(Ui.Text("A route needs at least one provider.")));
        }

        if (route.FirstOrDefault(n => providers.Find(n) is null) is { } unknown)
        {
            return Task.FromResult(AdminResult.Fail(Ui.Text("No provider named '{0}' is configured.", unknown)));
        }

        var names = route.Select(n => providers.Get(n).Name).ToList();
        if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Count)
        {
            return Task.FromResult(AdminResult.Fail(Ui.Text("A provider can appear only once in a route.")));
        }

        return actions.RunAsync(admin, async action =>
        {
            var routes = action.Db.Set<ProviderRoute>();
            var before = await routes.Where(r => r.Operator == op).OrderBy(r => r.Position).ToListAsync(ct);
            var beforeText = before.Count > 0 ? string.Join(" → ", before.Select(r => r.Provider)) : "default";
            var afterText = string.Join(" → ", names);
            if (beforeText == afterText)
            {
                return AdminResult.Unchanged();
            }

            routes.RemoveRange(before);
            await action.Db.SaveChangesAsync(ct);
            routes.AddRange(names.Select((n, i) => ProviderRoute.Create(op, i, n)));
            action.Audit(AuditActions.RouteChanged, AuditTargets.Route, op.ToString(), op.ToString(), $"{beforeText} ⇒ {afterText}");
            return AdminResult.Ok;
        }, needsStepUp: true, ct: ct);
    }
}
