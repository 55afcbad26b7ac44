using System.Net.Sockets;
using RechargePortal.Providers.Sandbox;

namespace RechargePortal.Providers;

/// <summary>
/// How one adapter reaches its vendor: a shared client for queries (status, balance, offer packs:
/// asking twice is harmless) and a new client per submission, which the adapter disposes.
/// </summary>
/// <param name="Queries">Shared, pooled; redirects are not followed.</param>
/// <param name="NewSubmissionClient">One per submission; see <see cref="SingleSendHandler"/>.</param>
public sealed record UpstreamHttp(Func<HttpClient> Queries, Func<HttpClient> NewSubmissionClient)
{
    /// <summary>Queries through <paramref name="queries"/>; each submission on a connection of its own that can carry it only once.</summary>
    public static UpstreamHttp Direct(HttpClient queries) => new(() => queries, SingleSendHandler.NewClient);

    /// <summary>Everything answered in-process by the built-in sandbox.</summary>
    public static UpstreamHttp Sandbox(SandboxUpstream sandbox)
    {
        var queries = new HttpClient(new SandboxHandler(sandbox)) { Timeout = Timeout.InfiniteTimeSpan };
        return new(() => queries, () => new HttpClient(new SandboxHandler(sandbox)) { Timeout = Timeout.InfiniteTimeSpan });
    }
}

/// <summary>
/// The transport of a submission, built so that it cannot put the request on the wire twice:
/// a handler of its own (no pooled connection from an earlier call, so .NET's resend of a request
/// whose reused connection turned out closed never applies), which may open exactly one
/// connection in its life — any second one, by whatever retry, fails instead of connecting — and
/// follows no redirect. A dropped connection therefore ends as an error: an unknown outcome.
/// </summary>
public static class SingleSendHandler
{
    public static HttpClient NewClient() => new(Create(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    public static SocketsHttpHandler Create()
    {
        var connections = 0;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (context, ct) =>
            {
                if (Interlocked.Increment(ref connections) > 1)
                {
                    throw new IOException("the connection closed before any reply; a submission is never sent again on another");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
    }
}
