using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using RechargePortal.Features.Api;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Api;

/// <summary>
/// <c>/openapi/v1.json</c> describes every <c>/api/v1</c> endpoint the app maps (and nothing else), with the key's
/// security scheme and every problem type; <c>/api/docs</c> is Scalar's reference, for signed-in users, under the portal's CSP.
/// </summary>
public sealed partial class ApiDocumentationTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private async Task<(OpenApiDocument Document, string Json)> DocumentAsync()
    {
        // Anonymous: the document is public.
        var response = await app.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(ApiDocumentation.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        var read = OpenApiDocument.Parse(json, "json", new OpenApiReaderSettings());
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        return (read.Document!, json);
    }

    /// <summary>"GET /api/v1/recharges/{id}" for every endpoint the app maps under /api/v1, except those it keeps out of the document.</summary>
    private List<string> MappedApiOperations(out List<string> excluded)
    {
        var mapped = new List<string>();
        excluded = [];
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!pattern.StartsWith("/api/v1/", StringComparison.Ordinal))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
            var target = endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true ? excluded : mapped;
            target.AddRange(methods.Select(m => $"{m} {pattern}"));
        }

        return mapped;
    }

    [Fact]
    public async Task The_document_describes_every_mapped_api_operation_and_nothing_else()
    {
        var (document, _) = await DocumentAsync();

        var mapped = MappedApiOperations(out var excluded);
        var documented = document.Paths.SelectMany(p => p.Value.Operations!.Keys.Select(m => $"{m.Method.ToUpperInvariant()} {p.Key}")).ToList();

        Assert.Equal(mapped.Order(), documented.Order());
        Assert.Equal(6, documented.Count);
        // The only endpoint kept out: the fallback that answers an unknown address with a 404 problem.
        Assert.Equal(["* /api/v1/{*path:nonfile}"], excluded);
        Assert.All(document.Paths.Keys, path => Assert.StartsWith("/api/v1/", path));
    }

    [Fact]
    public async Task Every_operation_is_named_summarised_and_documents_its_problems()
    {
        var (document, _) = await DocumentAsync();

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations!)
            {
                var name = $"{method} {path}";
                Assert.False(string.IsNullOrWhiteSpace(operation.OperationId), name);
                Assert.False(string.IsNullOrWhiteSpace(operation.Summary), name);
                Assert.False(string.IsNullOrWhiteSpace(operation.Description), name);
                Assert.Contains(operation.Responses!, r => r.Key.StartsWith('2') && r.Value.Content!.ContainsKey("application/json"));
                foreach (var status in new[] { "401", "403", "429" })
                {
                    Assert.True(operation.Responses!.ContainsKey(status), $"{name} has no {status}");
                }

                var problems = operation.Responses!.Where(r => r.Key[0] == '4').ToList();
                Assert.All(problems, r =>
                {
                    var media = r.Value.Content!["application/problem+json"];
                    Assert.NotNull(media.Schema);
                    Assert.NotEmpty(media.Examples!);
                });
            }
        }
    }

    [Fact]
    public async Task The_document_has_the_bearer_key_scheme_examples_and_camel_case_fields()
    {
        var (document, json) = await DocumentAsync();

        var scheme = document.Components!.SecuritySchemes![ApiDocumentation.SecuritySchemeName];
        Assert.Equal(SecuritySchemeType.Http, scheme.Type);
        Assert.Equal("bearer", scheme.Scheme);
        Assert.Contains("rpk_", scheme.BearerFormat);
        Assert.Single(document.Security!);

        var place = document.Paths["/api/v1/recharges"].Operations![HttpMethod.Post];
        var request = place.RequestBody!.Content!["application/json"];
        Assert.Equal("shop-123", request.Example!["reference"]!.GetValue<string>());
        Assert.Equal(50, request.Example!["amount"]!.GetValue<decimal>());
        Assert.Equal("processing", place.Responses!["202"].Content!["application/json"].Example!["status"]!.GetValue<string>());
        Assert.True(place.Responses["202"].Headers!.ContainsKey("Location"));
        Assert.True(place.Responses["429"].Headers!.ContainsKey("Retry-After"));

        var recharge = document.Components.Schemas!["ApiRecharge"];
        Assert.Contains("operatorTrxId", recharge.Properties!.Keys);
        Assert.Contains("balanceAfter", recharge.Properties.Keys);
        Assert.DoesNotContain("\"BalanceAfter\"", json);
        Assert.Equal(["amount", "number", "reference"], request.Schema!.Required!.Order());
        Assert.True(place.RequestBody.Required);
    }

    [Fact]
    public async Task Every_problem_type_is_listed_with_its_status_and_title_and_shown_on_an_operation()
    {
        var (document, _) = await DocumentAsync();

        var examples = document.Paths.Values.SelectMany(p => p.Operations!.Values).SelectMany(o => o.Responses!)
            .SelectMany(r => r.Value.Content?.Values ?? []).SelectMany(m => m.Examples?.Values ?? [])
            .Select(e => e.Value!["type"]?.GetValue<string>()).ToHashSet();
        foreach (var problem in ApiProblems.All)
        {
            Assert.Contains($"**{problem.Status}** `{problem.Type}`: {problem.Title}", document.Info.Description);
            Assert.Contains(problem.Type, examples);
        }
    }

    [Fact]
    public async Task The_reference_sends_an_anonymous_browser_to_the_login_page()
    {
        var client = app.CreateBrowserlikeClient();

        var response = await client.GetAsync(ApiDocumentation.ReferencePath);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData(Roles.Reseller)]
    [InlineData(Roles.Auditor)]
    public async Task A_signed_in_user_gets_the_reference_under_the_portals_policy(string role)
    {
        var client = await app.SignedInClientAsync(await app.CreateUserAsync(role), PortalAppFactory.UserPassword);

        // Scalar moves /api/docs to /api/docs/, so its relative script addresses resolve under it.
        var moved = await client.GetAsync(ApiDocumentation.ReferencePath);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var response = await client.GetAsync(ApiDocumentation.ReferencePath + "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.Policy(NonceOf(csp)), csp);
        var html = await response.Content.ReadAsStringAsync();
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        // Every script runs under the policy: the answer's nonce on each, and nothing from another site.
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{NonceOf(csp)}\"", tag));
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.Contains("\"url\":\"openapi/v1.json\"", html);

        var bundle = await client.GetAsync(ApiDocumentation.ReferencePath + "/scalar.js");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("text/javascript", bundle.Content.Headers.ContentType?.MediaType);
    }

    private static string NonceOf(string csp) => Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;

    [GeneratedRegex("<script\\b[^>]*>")]
    private static partial Regex ScriptTag();
}
