using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RechargePortal.Tests.TestSupport;

/// <summary>A request as the fake upstream saw it.</summary>
/// <param name="Body">The raw body, when it was not a form.</param>
public sealed record SeenRequest(
    string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Form, IReadOnlyDictionary<string, string> Headers,
    string Body = "");

/// <summary>
/// A real HTTP server on 127.0.0.1 that plays an upstream vendor: each test says what it answers
/// (a body, a status, a hang, a connection cut mid-reply) and reads back what it was sent.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication app;
    private volatile Func<HttpContext, Task> respond = Body("");

    private FakeUpstream(WebApplication app) => this.app = app;

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeUpstream(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First().TrimEnd('/');
        return fake;
    }

    /// <summary>Answer every request with this.</summary>
    public void Answer(Func<HttpContext, Task> responder) => respond = responder;

    public void AnswerBody(string body, int status = 200, string contentType = "text/html; charset=UTF-8") =>
        respond = Body(body, status, contentType);

    /// <summary>Never answer; the request ends only when the client gives up.</summary>
    public void Hang() => respond = async context =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    };

    /// <summary>Promise a long body, send a piece of it, then cut the connection.</summary>
    public void CloseMidReply(string firstPart = "{\"STATUS\":\"OK\",\"RECH") => respond = async context =>
    {
        context.Response.ContentLength = 4096;
        context.Response.ContentType = "text/html";
        await context.Response.WriteAsync(firstPart);
        await context.Response.Body.FlushAsync();
        context.Abort();
    };

    public static Func<HttpContext, Task> Body(string body, int status = 200, string contentType = "text/html; charset=UTF-8") => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    };

    private async Task HandleAsync(HttpContext context)
    {
        var form = new Dictionary<string, string>();
        var body = "";
        if (context.Request.HasFormContentType)
        {
            foreach (var (key, value) in await context.Request.ReadFormAsync())
            {
                form[key] = value.ToString();
            }
        }
        else
        {
            body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        }

        Requests.Enqueue(new SeenRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            form,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        await respond(context);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
