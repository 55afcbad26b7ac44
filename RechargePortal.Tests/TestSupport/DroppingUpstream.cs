using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RechargePortal.Tests.TestSupport;

/// <summary>A request as <see cref="DroppingUpstream"/> read it off the socket; <paramref name="Connection"/> numbers the TCP connections from 1.</summary>
public sealed record RawRequest(
    int Connection, string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Path => Target.Split('?')[0];

    public IReadOnlyDictionary<string, string> Query => ParseForm(Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : "");

    /// <summary>The body read as a form (what Flexi is sent).</summary>
    public IReadOnlyDictionary<string, string> Form => ParseForm(Body);

    private static Dictionary<string, string> ParseForm(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
            result[Decode(eq < 0 ? pair : pair[..eq])] = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
        }

        return result;
    }
}

/// <summary>What <see cref="DroppingUpstream"/> does with one request: answer it (keeping the connection open), or drop the connection.</summary>
public sealed record RawReply(int? Status, string Body = "", string? Location = null)
{
    /// <summary>Close the socket right after reading the request, without sending a byte: the vendor recorded it and died.</summary>
    public static RawReply Drop { get; } = new((int?)null);

    public static RawReply Json(string body) => new(200, body);

    public static RawReply Html(string body) => new(200, body);

    public static RawReply Redirect(int status, string location) => new(status, "", location);
}

/// <summary>
/// A vendor on raw TCP (127.0.0.1): it reads HTTP/1.1 requests itself (request line, headers, a
/// Content-Length body), records each one with the connection it came on, and per the script
/// answers with a keep-alive reply or closes the connection having sent nothing — the case Kestrel
/// cannot play, and the one where an HTTP client may silently send a request again.
/// </summary>
public sealed class DroppingUpstream : IDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<int, TcpClient> open = new();
    private readonly Task accepting;
    private volatile Func<RawRequest, RawReply> script = _ => RawReply.Drop;
    private int connections;

    private DroppingUpstream()
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        // On the thread pool, so that Dispose may wait for it without needing the test's synchronization context.
        accepting = Task.Run(AcceptAsync);
    }

    public static DroppingUpstream Start() => new();

    public string BaseUrl { get; }

    /// <summary>Every request read, in arrival order.</summary>
    public ConcurrentQueue<RawRequest> Requests { get; } = new();

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>Decide each request's fate (the default drops every connection).</summary>
    public void Script(Func<RawRequest, RawReply> decide) => script = decide;

    private async Task AcceptAsync()
    {
        var serving = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                var id = Interlocked.Increment(ref connections);
                open[id] = client;
                serving.Add(Task.Run(() => ServeAsync(id, client)));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(serving);
    }

    private async Task ServeAsync(int id, TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var buffer = new RequestBuffer(stream);
            while (await buffer.ReadRequestAsync(id, stop.Token) is { } request)
            {
                Requests.Enqueue(request);
                var reply = script(request);
                if (reply.Status is not { } status)
                {
                    return;
                }

                await stream.WriteAsync(Encode(status, reply), stop.Token);
                if (request.Headers.TryGetValue("Connection", out var connection) && connection.Contains("close", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            open.TryRemove(id, out _);
            client.Dispose();
        }
    }

    private static byte[] Encode(int status, RawReply reply)
    {
        var body = Encoding.UTF8.GetBytes(reply.Body);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Elsewhere")}\r\n")
            .Append(reply.Body.StartsWith('<') ? "Content-Type: text/html; charset=UTF-8\r\n" : "Content-Type: application/json\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append("Connection: keep-alive\r\n");
        if (reply.Location is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Location: {reply.Location}\r\n");
        }

        return [.. Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), .. body];
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        foreach (var client in open.Values)
        {
            client.Dispose();
        }

        accepting.GetAwaiter().GetResult();
        stop.Dispose();
    }

    /// <summary>Bytes read from one connection and not yet consumed; HTTP/1.1 framing by Content-Length only.</summary>
    private sealed class RequestBuffer(NetworkStream stream)
    {
        private byte[] data = new byte[8192];
        private int length;

        /// <summary>The next request, or null when the client closed the connection between requests.</summary>
        public async Task<RawRequest?> ReadRequestAsync(int connection, CancellationToken ct)
        {
            int headEnd;
            while ((headEnd = IndexOfBlankLine()) < 0)
            {
                if (!await FillAsync(ct))
                {
                    return length == 0 ? null : throw new IOException("the connection closed inside a request's headers");
                }
            }

            var lines = Encoding.ASCII.GetString(data, 0, headEnd).Split("\r\n");
            var requestLine = lines[0].Split(' ');
            if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                throw new IOException($"not an HTTP/1.x request line: {lines[0]}");
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    throw new IOException($"not a header line: {line}");
                }

                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            if (headers.ContainsKey("Transfer-Encoding"))
            {
                throw new IOException("a chunked request body is not understood here");
            }

            var bodyLength = headers.TryGetValue("Content-Length", out var declared) ? int.Parse(declared, CultureInfo.InvariantCulture) : 0;
            var total = headEnd + 4 + bodyLength;
            while (length < total)
            {
                if (!await FillAsync(ct))
                {
                    throw new IOException("the connection closed inside a request's body");
                }
            }

            var body = Encoding.UTF8.GetString(data, headEnd + 4, bodyLength);
            Buffer.BlockCopy(data, total, data, 0, length - total);
            length -= total;
            return new RawRequest(connection, requestLine[0], requestLine[1], headers, body);
        }

        private int IndexOfBlankLine() => data.AsSpan(0, length).IndexOf("\r\n\r\n"u8);

        private async Task<bool> FillAsync(CancellationToken ct)
        {
            if (length == data.Length)
            {
                Array.Resize(ref data, data.Length * 2);
            }

            var read = await stream.ReadAsync(data.AsMemory(length), ct);
            length += read;
            return read > 0;
        }
    }
}
