
using System.Net.Sockets;
using RechargePortal.Providers.CallLog;

namespace RechargePortal.Providers;

/// <summary>What came back over HTTP: the status, the body as text, and where a redirect pointed.</summary>
public sealed record UpstreamReply(int HttpStatus, string Body, string? Location = null);

/// <summary>
/// The HTTP plumbing both adapters share: a per-provider timeout, no exception escaping for a
/// timeout, a dropped connection, a redirect or a garbled body, retries with backoff for queries
/// only, a submission on a transport that cannot send it twice (<see cref="UpstreamHttp"/>), and
/// one call-log row per attempt with every secret masked.
/// </summary>
public abstract class UpstreamAdapter(
    ProviderSettings settings,
    UpstreamHttp http,
    IUpstreamCallLog callLog,
    TimeProvider time,
    ILogger logger) : IRechargeProvider
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Calls in flight to this account: at most <see cref="ProviderSettings.MaxConcurrentCalls"/>; the rest wait their turn.</summary>
    private readonly SemaphoreSlim slots = new(settings.MaxConcurrentCalls);

    protected ProviderSettings Settings { get; } = settings;

    public string Name => Settings.Name;

    public abstract ProviderKind Kind { get; }

    public bool IsSandbox => Settings.IsSandbox;

    public bool IsPlainHttp => Settings.IsPlainHttp;

    public abstract string Host { get; }

    public virtual bool SupportsOfferPacks => false;

    public long LowBalanceThresholdPoisha => Settings.LowBalanceThreshold * 100;

    public abstract Task<SubmitResult> SubmitAsync(RechargeRequest request, CancellationToken ct = default);

    public abstract Task<StatusResult> QueryStatusAsync(string reference, CancellationToken ct = default);

    public abstract Task<BalanceResult> QueryBalanceAsync(CancellationToken ct = default);

    public virtual Task<OfferPacksResult> ListOfferPacksAsync(CancellationToken ct = default) =>
        Task.FromResult<OfferPacksResult>(new OfferPacksResult.NotSupported());

    /// <summary>Other accounts' secrets, masked too: one vendor's reply or error must not leak another's key.</summary>
    public IReadOnlyList<string> AlsoMask { get; init; } = [];

    /// <summary>Replaces every configured secret in a text with <c>***</c>.</summary>
    public string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        foreach (var secret in Settings.Secrets.Concat(AlsoMask))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
            var encoded = Uri.EscapeDataString(secret);
            if (encoded != secret)
            {
                text = text.Replace(encoded, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Why no usable reply came; <see cref="NotSent"/> when the request certainly never left.</summary>
    protected sealed record TransportFailure(string Why, bool NotSent, bool Retryable);

    /// <summary>
    /// Sends one request (a query again after a transport failure, up to its retries; a submission
    /// never), logs each attempt, and turns the reply or the failure into a result.
    /// <paramref name="interpret"/> must not throw.
    /// </summary>
    protected async Task<TResult> CallAsync<TResult>(
        string operation,
        string? reference,
        Func<HttpRequestMessage> buildRequest,
        string maskedRequest,
        bool isSubmission,
        Func<UpstreamReply, TResult> interpret,
        Func<TransportFailure, TResult> onFailure,
        Func<TResult, (string Outcome, bool IsError)> describe,
        CancellationToken ct)
        where TResult : class
    {
        var retry = !isSubmission;
        var attempts = retry ? 1 + Settings.QueryRetries : 1;
        for (var attempt = 1; ; attempt++)
        {
            var started = time.GetTimestamp();
            var at = time.GetUtcNow().UtcDateTime;
            UpstreamReply? reply = null;
            TransportFailure? failure = null;
            try
            {
                await slots.WaitAsync(ct);
                // The call log times the vendor, not the wait for a slot.
                started = time.GetTimestamp();
                try
                {
                    reply = await SendOnceAsync(buildRequest, isSubmission, ct);
                }
                finally
                {
                    slots.Release();
                }

                if (reply.HttpStatus >= 500)
                {
                    failure = new TransportFailure($"HTTP {reply.HttpStatus} from the provider", NotSent: false, Retryable: true);
                }
                else if (reply.HttpStatus is >= 300 and < 400)
                {
                    // A login or maintenance page elsewhere: the request reached the vendor's server, so its fate is unknown.
                    failure = new TransportFailure($"HTTP {reply.HttpStatus} redirect to {(reply.Location is null ? "nowhere" : Mask(reply.Location))} (not followed)", NotSent: false, Retryable: false);
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = new TransportFailure($"no reply within {Settings.TimeoutSeconds:0.#} s", NotSent: false, Retryable: true);
            }
            catch (OperationCanceledException) when (!retry)
            {
                // Our side gave up (shutdown, closed page) after the submission may have left: unknown, and on record.
                failure = new TransportFailure("cancelled by the portal while waiting for the reply", NotSent: false, Retryable: false);
            }
            catch (HttpRequestException e) when (IsCertainlyNotSent(e))
            {
                failure = new TransportFailure($"could not connect: {Mask(e.Message)}", NotSent: true, Retryable: true);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or SocketException)
            {
                failure = new TransportFailure($"connection failed: {Mask(e.Message)}", NotSent: false, Retryable: true);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Anything else once the request may have left (e.g. a reply in an unknown charset) is an unknown outcome, never a throw.
                logger.LogWarning("{Provider} {Operation}: {Error}", Name, operation, Mask(e.Message));
                failure = new TransportFailure($"reply could not be read: {Mask(e.GetType().Name)}", NotSent: false, Retryable: false);
            }

            TResult result;
            if (failure is null)
            {
                try
                {
                    result = interpret(reply!);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A parser bug must not turn into an exception for the caller: the money question stays open.
                    logger.LogError(e, "Reading a {Operation} reply from {Provider} failed.", operation, Name);
                    result = onFailure(new TransportFailure("unreadable reply", NotSent: false, Retryable: false));
                }
            }
            else
            {
                result = onFailure(failure);
            }

            // Vendors echo request text (credentials included) in their messages: mask before anything leaves this method.
            result = MaskReasons(result);
            var (outcome, isError) = describe(result);
            var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
            await callLog.RecordAsync(UpstreamCall.Create(
                at, Name, operation, reference, maskedRequest, reply?.HttpStatus, reply is null ? null : Mask(reply.Body),
                elapsed, Mask(outcome), isError), CancellationToken.None);
            if (isError)
            {
                logger.LogWarning("{Provider} {Operation} attempt {Attempt}: {Outcome}", Name, operation, attempt, Mask(outcome));
            }

            if (failure is { Retryable: true } && attempt < attempts)
            {
                await Task.Delay(FirstRetryDelay * Math.Pow(2, attempt - 1), time, ct);
                continue;
            }

            return result;
        }
    }

    private async Task<UpstreamReply> SendOnceAsync(Func<HttpRequestMessage> buildRequest, bool isSubmission, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Settings.TimeoutSeconds));
        using var own = isSubmission ? http.NewSubmissionClient() : null;
        var client = own ?? http.Queries();
        using var request = buildRequest();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        return new UpstreamReply((int)response.StatusCode, body, response.Headers.Location?.ToString());
    }

    private TResult MaskReasons<TResult>(TResult result)
        where TResult : class => result switch
        {
            SubmitResult.Rejected r => (TResult)(object)(r with { Reason = Mask(r.Reason) }),
            SubmitResult.Unknown u => (TResult)(object)(u with { Why = Mask(u.Why) }),
            StatusResult.Failed f => (TResult)(object)(f with { Reason = Mask(f.Reason) }),
            StatusResult.Unknown u => (TResult)(object)(u with { Why = Mask(u.Why) }),
            BalanceResult.Unknown u => (TResult)(object)(u with { Why = Mask(u.Why) }),
            OfferPacksResult.Unknown u => (TResult)(object)(u with { Why = Mask(u.Why) }),
            _ => result,
        };

    /// <summary>Only a refused connection or an unknown host proves the request never left.</summary>
    private static bool IsCertainlyNotSent(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.NameResolutionError
        || (e.HttpRequestError == HttpRequestError.ConnectionError
            && e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound });

    protected static string Describe(SubmitResult result) => result switch
    {
        SubmitResult.Accepted a => $"Accepted{(a.UpstreamTrxId is null ? "" : $" ({a.UpstreamTrxId})")}",
        SubmitResult.Rejected r => $"Rejected: {r.Reason}{(r.TriedElsewhereIsSafe ? " (safe elsewhere)" : "")}",
        SubmitResult.Unknown u => $"Unknown: {u.Why}",
        _ => result.ToString(),
    };

    protected static (string, bool) DescribeSubmit(SubmitResult result) => (Describe(result), result is not SubmitResult.Accepted);

    protected static (string, bool) DescribeStatus(StatusResult result) => result switch
    {
        StatusResult.Pending => ("Pending", false),
        StatusResult.Succeeded s => ($"Succeeded{(s.OperatorTrxId is null ? "" : $" ({s.OperatorTrxId})")}", false),
        StatusResult.Failed f => ($"Failed: {f.Reason}", false),
        StatusResult.NotFound => ("Not found", false),
        StatusResult.Unknown u => ($"Unknown: {u.Why}", true),
        _ => (result.ToString(), true),
    };

    protected static (string, bool) DescribeBalance(BalanceResult result) => result switch
    {
        BalanceResult.Known k => ($"Balance {Taka.Format(k.BalancePoisha)}", false),
        BalanceResult.Unknown u => ($"Unknown: {u.Why}", true),
        _ => (result.ToString(), true),
    };

    protected static (string, bool) DescribeOffers(OfferPacksResult result) => result switch
    {
        OfferPacksResult.Listed l => ($"{l.Packs.Count} offer pack(s)", false),
        OfferPacksResult.Unknown u => ($"Unknown: {u.Why}", true),
        _ => ("Not supported", false),
    };

    protected static string HostOf(string? address)
    {
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
        }

        return "—";
    }

}
