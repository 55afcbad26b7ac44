using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Security;

namespace RechargePortal.Features.Api;

/// <summary>One delivery of an event, as the key page lists it.</summary>
public sealed record CallbackAttemptRow(int Number, DateTime AtUtc, int? StatusCode, string? Error, bool Resend, int DurationMs);

/// <summary>An event owed to an API client, with its deliveries (newest event first).</summary>
public sealed record CallbackRow(
    long Id, long KeyId, string KeyName, string RechargeId, string? Reference, string Event, string EventId, DateTime CreatedAtUtc,
    DateTime? DeliveredAtUtc, DateTime? NextAttemptAtUtc, int? LastStatusCode, string? LastError, IReadOnlyList<CallbackAttemptRow> Attempts)
{
    public string State => DeliveredAtUtc is not null ? "Delivered" : NextAttemptAtUtc is not null ? "Retrying" : "Gave up";
}

/// <summary>The signature a receiver checks: <c>sha256=</c> and the hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c> with the key's signing secret.</summary>
public static class CallbackSignature
{
    public const string TimestampHeader = "X-Portal-Timestamp";
    public const string SignatureHeader = "X-Portal-Signature";

    public static string Of(string signingSecret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}

/// <summary>
/// Delivers <see cref="RechargeCallback"/> events: POST the recharge's JSON (plus <c>event</c> and <c>eventId</c>), signed,
/// 10 s at most, no redirects, never to an internal address outside Development (checked on the address actually
/// connected to, so a host name cannot be pointed inside later). A 2xx ends it; anything else is retried on the backoff.
/// One deliverer per event at a time (a claim in the database), so the job, its repeats and a resend never overlap.
/// </summary>
public sealed class CallbackDeliveryService(
    IDbContextFactory<PortalDbContext> dbs,
    IHttpClientFactory httpClients,
    IDataProtectionProvider protection,
    ActiveUserGuard guard,
    IOptions<ApiOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<CallbackDeliveryService> logger)
{
    public const string HttpClientName = "ApiCallbacks";
    public const string EventName = "recharge.finished";

    /// <summary>Events delivered at once by one sweep.</summary>
    private const int Parallelism = 4;

    private const int BatchSize = 200;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private TimeSpan Timeout => TimeSpan.FromSeconds(options.Value.CallbackTimeoutSeconds);

    private bool InsecureAllowed => CallbackUrl.InsecureAllowed(environment, options.Value);

    /// <summary>The HTTP handler callbacks go through: no redirects, no cookies, and the address check at connect time.</summary>
    public static SocketsHttpHandler CreateHandler(bool insecureAllowed) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            if (!insecureAllowed && addresses.FirstOrDefault(CallbackUrl.IsInternal) is { } inside)
            {
                throw new HttpRequestException($"Refused: {host} is an internal address ({inside}).");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Delivers every event that is due (the recurring job); returns how many were tried.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        var now = Now;
        List<long> due;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            due = await db.Set<RechargeCallback>()
                .Where(c => c.NextAttemptAtUtc <= now && (c.ClaimedUntilUtc == null || c.ClaimedUntilUtc < now))
                .OrderBy(c => c.NextAttemptAtUtc).Select(c => c.Id).Take(BatchSize).ToListAsync(ct);
        }

        var tried = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (id, token) =>
        {
            try
            {
                if (await DeliverAsync(id, resend: false, token))
                {
                    Interlocked.Increment(ref tried);
                }
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                // One broken event must not stop the others; its claim runs out and the next sweep tries it again.
                logger.LogError(e, "Delivering callback {CallbackId} failed.", id);
            }
        });
        return tried;
    }

    /// <summary>Delivers a recharge's due events at once (the hint after it moved; the recurring job is the safety net).</summary>
    public async Task DeliverForRechargeAsync(long rechargeId, CancellationToken ct = default)
    {
        var now = Now;
        List<long> due;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            due = await db.Set<RechargeCallback>().Where(c => c.RechargeId == rechargeId && c.NextAttemptAtUtc <= now).Select(c => c.Id).ToListAsync(ct);
        }

        foreach (var id in due)
        {
            await DeliverAsync(id, resend: false, ct);
        }
    }

    /// <summary>The reseller sends one event again now (also one delivered already: their side may have lost it).</summary>
    public async Task<AdminResult> ResendAsync(Actor reseller, long callbackId, CancellationToken ct = default)
    {
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var owner = await db.Set<RechargeCallback>().Where(c => c.Id == callbackId)
                .Join(db.Set<ApiKey>(), c => c.ApiKeyId, k => k.Id, (c, k) => k.UserId).SingleOrDefaultAsync(ct);
            if (owner is null || owner != reseller.UserId || !await guard.IsActiveInRoleAsync(db, reseller, Roles.Reseller, ct))
            {
                return AdminResult.Fail("You cannot resend this callback.");
            }
        }

        if (!await DeliverAsync(callbackId, resend: true, ct))
        {
            return AdminResult.Fail("It is being delivered right now; look again in a moment.");
        }

        await using var read = await dbs.CreateDbContextAsync(ct);
        var after = await read.Set<RechargeCallback>().AsNoTracking().SingleAsync(c => c.Id == callbackId, ct);
        return after.LastStatusCode is >= 200 and < 300
            ? AdminResult.Done($"Delivered: your server answered {after.LastStatusCode}.")
            : AdminResult.Fail($"Not delivered: {(after.LastStatusCode is { } code ? $"your server answered {code}" : after.LastError)}.");
    }

    /// <summary>A reseller's events (an admin's: every reseller's), newest first, with their deliveries.</summary>
    public async Task<IReadOnlyList<CallbackRow>> ListAsync(Actor actor, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var isAdmin = await guard.IsActiveInRoleAsync(db, actor, Roles.Admin, ct);
        if (!isAdmin && !await guard.IsActiveInRoleAsync(db, actor, Roles.Reseller, ct))
        {
            return [];
        }

        var keys = db.Set<ApiKey>().Where(k => isAdmin || k.UserId == actor.UserId);
        var rows = await db.Set<RechargeCallback>().AsNoTracking()
            .Join(keys, c => c.ApiKeyId, k => k.Id, (c, k) => new { c, KeyName = k.Name })
            .Join(db.Set<Recharge>(), x => x.c.RechargeId, r => r.Id, (x, r) => new { x.c, x.KeyName, r.Reference, r.ClientReference })
            .OrderByDescending(x => x.c.Id).Take(Math.Clamp(take, 1, 200))
            .Select(x => new
            {
                x.c.Id, x.c.ApiKeyId, x.KeyName, x.Reference, x.ClientReference, x.c.Status, x.c.EventId, x.c.CreatedAtUtc, x.c.DeliveredAtUtc,
                x.c.NextAttemptAtUtc, x.c.LastStatusCode, x.c.LastError,
                Attempts = x.c.AttemptLog.OrderBy(a => a.Number)
                    .Select(a => new CallbackAttemptRow(a.Number, a.AtUtc, a.StatusCode, a.Error, a.Resend, a.DurationMs)).ToList(),
            })
            .ToListAsync(ct);
        return rows.Select(x => new CallbackRow(
            x.Id, x.ApiKeyId, x.KeyName, x.Reference, x.ClientReference, ApiWords.Of(x.Status), x.EventId, x.CreatedAtUtc, x.DeliveredAtUtc,
            x.NextAttemptAtUtc, x.LastStatusCode, x.LastError, x.Attempts)).ToList();
    }

    /// <summary>One delivery of one event, when it is due (or asked for again) and nobody else is delivering it; false when it was not tried.</summary>
    internal async Task<bool> DeliverAsync(long callbackId, bool resend, CancellationToken ct)
    {
        var now = Now;
        var claimUntil = now + Timeout + TimeSpan.FromSeconds(30);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var claimed = await db.Set<RechargeCallback>()
            .Where(c => c.Id == callbackId && (c.ClaimedUntilUtc == null || c.ClaimedUntilUtc < now) && (resend || c.NextAttemptAtUtc <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClaimedUntilUtc, claimUntil), ct);
        if (claimed == 0)
        {
            return false;
        }

        var callback = await db.Set<RechargeCallback>().SingleAsync(c => c.Id == callbackId, ct);
        var key = await db.Set<ApiKey>().AsNoTracking().Where(k => k.Id == callback.ApiKeyId)
            .Select(k => new { k.CallbackUrl, k.ProtectedSigningSecret }).SingleAsync(ct);
        if (!CallbackUrl.TryValidate(key.CallbackUrl, InsecureAllowed, out var url, out var urlError) || url is null)
        {
            callback.Drop(urlError ?? "This key has no callback URL.");
            await db.SaveChangesAsync(ct);
            return true;
        }

        var view = await RechargeService.Views(db, db.Set<Recharge>().Where(r => r.Id == callback.RechargeId)).SingleAsync(ct);
        var body = callback.FixBody(() => EventJson(callback.EventId, ApiRecharge.From(view)));
        var secret = protection.CreateProtector(ApiKeyService.SigningSecretPurpose).Unprotect(key.ProtectedSigningSecret);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        int? status = null;
        string? error = null;
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(CallbackSignature.TimestampHeader, timestamp);
            request.Headers.Add(CallbackSignature.SignatureHeader, CallbackSignature.Of(secret, timestamp, body));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                error = "Redirects are not followed: answer the callback URL itself.";
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"No answer within {Timeout.TotalSeconds:0} s.";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }

        callback.RecordAttempt(now, status, error, resend, watch.Elapsed);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Callback {CallbackId} of recharge {RechargeId}, attempt {Attempt}: {Status}.",
            callback.Id, callback.RechargeId, callback.Attempts, status?.ToString(CultureInfo.InvariantCulture) ?? error);
        return true;
    }

    /// <summary>The recharge's JSON as the API shows it, with <c>event</c> and <c>eventId</c> first.</summary>
    internal static string EventJson(string eventId, ApiRecharge recharge)
    {
        var json = new JsonObject { ["event"] = EventName, ["eventId"] = eventId };
        foreach (var (name, value) in JsonSerializer.SerializeToNode(recharge, JsonSerializerOptions.Web)!.AsObject().ToList())
        {
            json[name] = value?.DeepClone();
        }

        return json.ToJsonString(JsonSerializerOptions.Web);
    }
}
