using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;

namespace RechargePortal.Providers.CallLog;

/// <summary>Where adapters record each call. Already masked by the adapter.</summary>
public interface IUpstreamCallLog
{
    Task RecordAsync(UpstreamCall call, CancellationToken ct = default);
}

/// <summary>
/// Writes the call log to the database; a failed write is logged, never thrown into the adapter (the
/// call has happened). Masks every provider's secrets once more, in case one vendor's reply carries another's.
/// </summary>
public sealed class DatabaseUpstreamCallLog(
    IDbContextFactory<PortalDbContext> dbs,
    IOptions<ProvidersOptions> options,
    ProviderStatusNotifier notifier,
    ILogger<DatabaseUpstreamCallLog> logger) : IUpstreamCallLog
{
    private readonly IReadOnlyList<string> secrets = options.Value.Accounts.SelectMany(a => a.Secrets).Distinct().ToList();

    public async Task RecordAsync(UpstreamCall call, CancellationToken ct = default)
    {
        call = call.Masked(Mask);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
            db.Set<UpstreamCall>().Add(call);
            await db.SaveChangesAsync(CancellationToken.None);
            notifier.NotifyChanged(call.Provider);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogError(e, "Could not record an upstream {Operation} call to {Provider} in the call log.", call.Operation, call.Provider);
        }
    }

    private string Mask(string text)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal).Replace(Uri.EscapeDataString(secret), "***", StringComparison.Ordinal);
        }

        return text;
    }
}
