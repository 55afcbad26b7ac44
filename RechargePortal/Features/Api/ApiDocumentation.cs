using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RechargePortal.Features.Recharges;
using RechargePortal.Security;
using Scalar.AspNetCore;

namespace RechargePortal.Features.Api;

/// <summary>The JSON body an endpoint reads by hand, for its documentation only.</summary>
public sealed record ApiJsonBodyMetadata(Type Type);

/// <summary>The problems one endpoint (or the whole API group) can answer with, for its documentation.</summary>
public sealed record ApiProblemsMetadata(IReadOnlyList<ApiProblem> Problems);

/// <summary>
/// The reseller API's documentation: the OpenAPI document at <c>/openapi/v1.json</c> (only the <c>/api/v1</c>
/// endpoints, with the key's security scheme, examples and every problem type) and Scalar's reference at <c>/api/docs</c>.
/// </summary>
public static class ApiDocumentation
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api/docs";
    public const string SecuritySchemeName = "ApiKey";

    private const string ProblemJson = "application/problem+json";
    private const string Json = "application/json";

    /// <summary>
    /// Documents the endpoint's problems: a problem+json response for each status (with <c>errors</c> where a field
    /// can be at fault), and the problems themselves, which the document lists by status with an example each.
    /// </summary>
    public static TBuilder ProducesApiProblems<TBuilder>(this TBuilder builder, params ApiProblem[] problems)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ApiProblemsMetadata(problems));
        foreach (var status in problems.Select(p => p.Status).Distinct())
        {
            var type = problems.Any(p => p.Status == status && CarriesFieldErrors(p)) ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, type, [ProblemJson]));
        }

        return builder;
    }

    /// <summary>
    /// Documents the JSON body an endpoint reads itself. Not <c>Accepts&lt;T&gt;</c>: that is routing metadata too, and
    /// would send a request of another content type past the endpoint (to the 404 fallback) instead of to its own 400.
    /// </summary>
    public static RouteHandlerBuilder DocumentsJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new ApiJsonBodyMetadata(typeof(T)));

    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            // 3.0 rather than 3.1: what client generators (openapi-generator, NSwag, PHP's) read best.
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer<DocumentTransformer>();
            options.AddOperationTransformer<OperationTransformer>();
            options.AddSchemaTransformer<SchemaTransformer>();
        });
        return builder;
    }

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        // Public: it describes the API and holds no secrets; code generators and the reseller's developers fetch it
        // without a portal session (a key cannot sign in to the portal).
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();

        // Signed-in users of any role (the fallback policy: an anonymous browser goes to the login page). Scalar's
        // bundle is embedded in its package and served from /api/docs/scalar.js; its scripts carry the page's nonce,
        // so the portal's Content-Security-Policy holds as it is. Nothing is fetched from a CDN or sent elsewhere.
        app.MapScalarApiReference(ReferencePath, (options, http) => options
                .WithTitle("RechargePortal reseller API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument(DocumentName)
                .AddPreferredSecuritySchemes([SecuritySchemeName])
                .WithNonce(SecurityHeaders.Nonce(http))
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .ExpandAllTags())
            .RequireAuthorization();
        return app;
    }

    private static bool CarriesFieldErrors(ApiProblem problem) =>
        problem.Status is StatusCodes.Status400BadRequest or StatusCodes.Status422UnprocessableEntity;

    private static JsonNode Node<T>(T value) => JsonSerializer.SerializeToNode(value, JsonSerializerOptions.Web)!;

    /// <summary>A problem as the API serves it, with the fields and members it carries in practice.</summary>
    internal static JsonNode ExampleOf(ApiProblem problem)
    {
        var example = new JsonObject { ["type"] = problem.Type, ["title"] = problem.Title, ["status"] = problem.Status };
        if (ProblemDetail(problem) is { } detail)
        {
            example["detail"] = detail;
        }

        if (problem == ApiProblems.InvalidInput)
        {
            example["errors"] = new JsonObject { ["number"] = new JsonArray("Give the mobile number, e.g. 01712345678.") };
        }
        else if (problem == ApiProblems.AmountRule)
        {
            example["errors"] = new JsonObject { ["amount"] = new JsonArray(ProblemDetail(problem)!) };
        }
        else if (problem == ApiProblems.ReferenceConflict)
        {
            example["existingId"] = ExampleId;
        }

        return example;
    }

    /// <summary>A <c>detail</c> as the portal words it (its own wording where it has one).</summary>
    private static string? ProblemDetail(ApiProblem problem) => problem.Name switch
    {
        "not-found" => "You have no recharge with this id.",
        "reference-conflict" => RechargeWording.ReferenceReused("shop-123", ExampleId),
        "insufficient-balance" => "Your wallet holds only ৳40.00. Nothing was charged.",
        "daily-limit" => "That is over today's limit of ৳300,000.00: ৳20.00 left until midnight (Bangladesh time).",
        "amount-rule" => "Enter ৳30 to ৳5,000 for this operator and number type.",
        "recharge-rate-limited" => RechargeWording.TooManyAttempts(120, TimeSpan.FromSeconds(20)),
        "failed-recharges-limit" => RechargeWording.TooManyFailed(200),
        _ => problem.Detail,
    };

    private const string ExampleId = "RC261130-7K2M9Q4X";

    private static readonly DateTimeOffset ExampleTime = new(2026, 11, 30, 10, 15, 0, TimeSpan.Zero);

    internal static readonly ApiRechargeRequest RechargeRequestExample = new()
    {
        Reference = "shop-123",
        Number = "01712345678",
        Amount = 50,
        NumberType = "prepaid",
        Operator = "GP",
        OfferPackId = null,
    };

    internal static readonly ApiRecharge ProcessingExample = new(ExampleId, "shop-123", "01712345678", "GP", "prepaid", 50, 1.25m,
        ApiWords.Processing, null, null, 1184.50m, ExampleTime, null);

    internal static readonly ApiRecharge SuccessfulExample = ProcessingExample with
    {
        Status = ApiWords.Successful,
        OperatorTrxId = "GP8841230977",
        FinishedAt = ExampleTime.AddSeconds(9),
    };

    /// <summary>The example of each response body type (the request's is set on its own).</summary>
    private static readonly Dictionary<Type, JsonNode> Examples = new()
    {
        [typeof(BalanceResponse)] = Node(new BalanceResponse(1234.50m, ApiEndpoints.Currency)),
        [typeof(ApiRecharge)] = Node(SuccessfulExample),
        [typeof(ApiRechargePage)] = Node(new ApiRechargePage([SuccessfulExample], 1, 100, 1)),
        [typeof(List<ApiOffer>)] = Node(new List<ApiOffer> { new(17, "GP", "prepaid", "5 GB, 7 days", 198.00m, "7 days") }),
        [typeof(ApiDetectedOperator)] = Node(new ApiDetectedOperator("GP", "01712345678")),
    };

    private static readonly Dictionary<string, string> ParameterDescriptions = new()
    {
        ["id"] = "The recharge's id (`RC…`), as POST /api/v1/recharges answered it.",
        ["reference"] = "Your own reference of a recharge: answers that one recharge instead of a page.",
        ["from"] = "First Bangladesh day, `yyyy-MM-dd`.",
        ["to"] = "Last Bangladesh day, `yyyy-MM-dd`.",
        ["status"] = "One of `processing`, `successful`, `failed` (refunded), `review`.",
        ["page"] = "Page number, from 1.",
        ["pageSize"] = "Recharges a page, 1 to 100 (default 100).",
        ["operator"] = "`GP`, `BL`, `RB`, `AT` or `TT`; left out: every operator.",
        ["number"] = "A mobile number: `01712345678`, `+8801712345678` or `8801712345678`.",
    };

    private static readonly Dictionary<string, string> RequestFieldDescriptions = new()
    {
        ["reference"] = "Required. Your own id for this recharge: 1–64 of `A-Z a-z 0-9 . _ : -`, unique among your recharges. "
            + "The same reference again is the same recharge.",
        ["number"] = "Required. The mobile number: `01712345678`, `+8801712345678` or `8801712345678`.",
        ["amount"] = "Required. Whole taka, as a JSON number (a numeric string such as \"50\" is read too, for PHP clients).",
        ["numberType"] = "`prepaid` (default), `postpaid`, `skitto` or `powerload`.",
        ["operator"] = "`GP`, `BL`, `RB`, `AT` or `TT`; left out: detected from the number's prefix.",
        ["offerPackId"] = "An offer pack from GET /api/v1/offers; `amount` must be its price.",
    };

    private static readonly string[] RequiredRequestFields = ["reference", "number", "amount"];

    private static readonly Dictionary<string, string> RechargeFieldDescriptions = new()
    {
        ["id"] = "The portal's id of the recharge (`RC…`).",
        ["reference"] = "Your reference, as you sent it (null for a recharge placed on the portal's pages).",
        ["amount"] = "Whole taka.",
        ["commission"] = "Your commission on it, taka.",
        ["status"] = "`processing`, `successful`, `failed` (the amount is refunded) or `review` (being checked; ends successful or failed).",
        ["operatorTrxId"] = "The operator's transaction id, once successful.",
        ["reason"] = "Why it failed or waits for review.",
        ["balanceAfter"] = "Your wallet's balance after the amount was held, taka.",
        ["finishedAt"] = "When it became successful or failed.",
    };

    /// <summary>
    /// Numbers as numbers (the web defaults also read numeric strings, which the generated schemas advertise as
    /// number-or-string; the API writes numbers, and the request's amount says it in words), and the fields' meanings.
    /// </summary>
    private sealed class SchemaTransformer : IOpenApiSchemaTransformer
    {
        public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Type == typeof(ApiRechargeRequest))
            {
                schema.Required = new HashSet<string>(RequiredRequestFields);
            }

            var owner = context.JsonPropertyInfo?.DeclaringType;
            var name = context.JsonPropertyInfo?.Name;
            if (owner == typeof(ApiRechargeRequest) && name is not null)
            {
                schema.Description = RequestFieldDescriptions.GetValueOrDefault(name);
                if (RequiredRequestFields.Contains(name) && schema.Type is { } type)
                {
                    schema.Type = type & ~JsonSchemaType.Null;
                }
            }
            else if (owner == typeof(ApiRecharge) && name is not null && RechargeFieldDescriptions.TryGetValue(name, out var words))
            {
                schema.Description = words;
            }

            if (schema.Type is { } both && both.HasFlag(JsonSchemaType.String)
                && (both.HasFlag(JsonSchemaType.Number) || both.HasFlag(JsonSchemaType.Integer)))
            {
                schema.Type = both & ~JsonSchemaType.String;
                schema.Pattern = null;
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Title, the key's security scheme, and the list of every problem type a client can meet.</summary>
    private sealed class DocumentTransformer : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info = new OpenApiInfo
            {
                Title = "RechargePortal reseller API",
                Version = "v1",
                Description = Description(),
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "rpk_…",
                Description = "An API key from /api-keys, sent as `Authorization: Bearer rpk_…`. It acts as its reseller.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] }];
            return Task.CompletedTask;
        }

        private static string Description()
        {
            var text = new StringBuilder();
            text.AppendLine("Place and follow mobile recharges from your own shop, website or panel, with the same wallet, limits and");
            text.AppendLine("commission as the portal's pages.");
            text.AppendLine();
            text.AppendLine("**Keys.** Create one at `/api-keys` and send it as `Authorization: Bearer rpk_…` on every request.");
            text.AppendLine();
            text.AppendLine("**Idempotent by reference.** `POST /api/v1/recharges` takes your own `reference`: the same reference with the");
            text.AppendLine("same content answers the same recharge (`200`, never charged twice); with other content it is `409`.");
            text.AppendLine("Poll `GET /api/v1/recharges/{id}` or `GET /api/v1/recharges?reference=…` until `status` is `successful`,");
            text.AppendLine("`failed` (refunded) or `review`.");
            text.AppendLine();
            text.AppendLine("**Amounts** are taka as JSON numbers: recharge amounts whole taka, balances and commissions with 2 decimals.");
            text.AppendLine("Times are UTC, ISO 8601.");
            text.AppendLine();
            text.AppendLine("**Rate limit** per key: `Api:RequestsPerSecond` (default 20 a second, bursts of `Api:Burst`, 100); beyond it `429`");
            text.AppendLine("with `Retry-After`.");
            text.AppendLine();
            text.AppendLine("## Errors");
            text.AppendLine();
            text.AppendLine("Errors are RFC 7807 `application/problem+json` with a stable `type` to switch on, a `title`, the `status`,");
            text.AppendLine("a `detail` for this request, and `errors` (field → messages) when fields are at fault.");
            text.AppendLine();
            // A list, not a table: a table of long URLs is unreadable on a phone.
            foreach (var problem in ApiProblems.All.OrderBy(p => p.Status))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- **{problem.Status}** `{problem.Type}`: {problem.Title}");
            }

            return text.ToString();
        }
    }

    /// <summary>Each operation's problems (by status, with an example each), parameter words, headers and examples.</summary>
    private sealed class OperationTransformer : IOpenApiOperationTransformer
    {
        public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var description = context.Description;
            if (description.ActionDescriptor.EndpointMetadata.OfType<ApiJsonBodyMetadata>().FirstOrDefault() is { } body)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [Json] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken), Example = body.Type == typeof(ApiRechargeRequest) ? Node(RechargeRequestExample) : null },
                    },
                };
            }

            var problems = description.ActionDescriptor.EndpointMetadata.OfType<ApiProblemsMetadata>()
                .SelectMany(m => m.Problems).Distinct().ToList();

            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is OpenApiParameter concrete && concrete.Name is { } name && ParameterDescriptions.TryGetValue(name, out var words))
                {
                    concrete.Description = words;
                }
            }

            foreach (var (code, response) in operation.Responses ?? [])
            {
                if (response is not OpenApiResponse concrete || !int.TryParse(code, CultureInfo.InvariantCulture, out var status))
                {
                    continue;
                }

                var ofStatus = problems.Where(p => p.Status == status).ToList();
                if (ofStatus.Count > 0)
                {
                    concrete.Description = string.Join(" ", ofStatus.Select(p => $"`{p.Name}`: {p.Title}"));
                    if (concrete.Content?.TryGetValue(ProblemJson, out var media) == true)
                    {
                        media.Examples = ofStatus.ToDictionary(p => p.Name, p => (IOpenApiExample)new OpenApiExample { Summary = p.Title, Value = ExampleOf(p) });
                    }

                    if (status == StatusCodes.Status429TooManyRequests)
                    {
                        AddHeader(concrete, "Retry-After", "Seconds to wait before trying again.", JsonSchemaType.Integer);
                    }

                    continue;
                }

                var type = description.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode == status)?.Type;
                if (concrete.Content?.TryGetValue(Json, out var json) == true && type is not null)
                {
                    json.Example = status == StatusCodes.Status202Accepted ? Node(ProcessingExample) : Examples.GetValueOrDefault(type);
                }

                if (status == StatusCodes.Status202Accepted)
                {
                    concrete.Description = "Placed: the recharge, `processing`; its address is in `Location`. Poll it until it is final.";
                    AddHeader(concrete, "Location", "The new recharge's address, /api/v1/recharges/{id}.", JsonSchemaType.String);
                }
                else if (status == StatusCodes.Status200OK && description.HttpMethod == HttpMethods.Post)
                {
                    concrete.Description = "This reference was placed before with the same content: that recharge, as it is now. Nothing is charged again.";
                }
            }

            // Success first, then the problems, by status.
            if (operation.Responses is { } responses)
            {
                var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
                responses.Clear();
                foreach (var (code, response) in sorted)
                {
                    responses[code] = response;
                }
            }
        }

        private static void AddHeader(OpenApiResponse response, string name, string words, JsonSchemaType type)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[name] = new OpenApiHeader { Description = words, Schema = new OpenApiSchema { Type = type } };
        }
    }
}
