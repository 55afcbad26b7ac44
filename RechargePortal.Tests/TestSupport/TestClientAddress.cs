using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace RechargePortal.Tests.TestSupport;

/// <summary>
/// The in-memory test server has no client address; a test names one in the <see cref="Header"/> header,
/// so per-address limits can be tested from several "clients". Runs before the app's own pipeline.
/// </summary>
public sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value, out var address))
            {
                http.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(http);
        });
        next(app);
    };

    public static HttpClient From(HttpClient client, string address)
    {
        client.DefaultRequestHeaders.Add(Header, address);
        return client;
    }
}
