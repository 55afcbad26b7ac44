using Microsoft.EntityFrameworkCore;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using RechargePortal.Security;

namespace RechargePortal.Features.Audit;

public sealed record AuditFilter(DateOnly? From = null, DateOnly? To = null, string? Action = null, string? Search = null);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Rows, int Total);

/// <summary>Reads the audit log, newest first, filtered and paged in the database: for an active admin or auditor only.</summary>
public sealed class AuditLogService(IDbContextFactory<PortalDbContext> factory, ActiveUserGuard guard)
{
    public async Task<AuditPage> QueryAsync(Actor actor, AuditFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await guard.DemandReaderAsync(db, actor, "the audit log", ct);
        var query = db.AuditEntries.AsNoTracking();
        if (filter.From is { } from)
        {
            var start = DhakaTime.StartOfDayUtc(from);
            query = query.Where(e => e.AtUtc >= start);
        }

        if (filter.To is { } to)
        {
            var end = DhakaTime.StartOfDayUtc(to.AddDays(1));
            query = query.Where(e => e.AtUtc < end);
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            query = query.Where(e => e.Action == filter.Action);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            query = query.Where(e => e.ActorEmail.Contains(term) || (e.TargetDisplay != null && e.TargetDisplay.Contains(term)) || (e.Details != null && e.Details.Contains(term)));
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(e => e.Id).Skip(skip).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new AuditPage(rows, total);
    }
}
