using System.Text;
using RechargePortal.Components.Shared;
using RechargePortal.Security;

namespace RechargePortal.Features.Reports;

/// <summary><c>/reports/transactions.csv</c>: the whole filtered set, streamed row by row (auditors and admins; a reseller gets their own subtree, as on the page).</summary>
public static class TransactionsCsv
{
    public const string Path = "/reports/transactions.csv";

    public const string Header =
        "Reference,Placed (Bangladesh time),Reseller,Reseller name,Number,Operator,Number type,Amount (BDT),Commission earned (BDT),Status,Provider,Operator transaction id,Offer pack,Finished (Bangladesh time)";

    public static IEndpointRouteBuilder MapTransactionsCsv(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, async (HttpContext http, ReportService reports) =>
            {
                var filter = ReportFilter.Parse(http.Request.Query, out var error);
                if (filter is null)
                {
                    return Results.Problem(title: "The report filter is not valid.", detail: error, statusCode: StatusCodes.Status400BadRequest);
                }

                // Checked before the answer starts: a refusal is a 403 (AccessRefusedException), not a cut-off file.
                var rows = await reports.StreamAsync(Actor.From(http.User), filter, http.RequestAborted);
                var name = $"transactions-{filter.From:yyyyMMdd}-{filter.To:yyyyMMdd}.csv";
                return Results.Stream(body => WriteAsync(rows, body, http.RequestAborted), "text/csv; charset=utf-8", name);
            })
            .RequireAuthorization(p => p.RequireRole(Roles.Auditor, Roles.Admin, Roles.Reseller));
        return endpoints;
    }

    /// <summary>Writes the header and one line per row, flushing as it goes: memory does not grow with the rows.</summary>
    public static async Task WriteAsync(IAsyncEnumerable<TransactionRow> rows, Stream body, CancellationToken ct)
    {
        await body.WriteAsync(Csv.Utf8Bom.ToArray(), ct);
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync(Header);
        await foreach (var row in rows.WithCancellation(ct))
        {
            await writer.WriteLineAsync(Line(row));
        }

        await writer.FlushAsync(ct);
    }

    public static string Line(TransactionRow row) => Csv.Row(
        row.Reference,
        Csv.DhakaDateTime(row.CreatedAtUtc),
        row.ResellerEmail,
        row.ResellerName,
        row.Number,
        row.Operator.ToString(),
        row.NumberType.ToString(),
        CsvCell.Number(row.Amount),
        CsvCell.Number(row.Commission),
        row.StatusText,
        row.Provider ?? "",
        row.OperatorTrxId ?? "",
        row.OfferPack ?? "",
        Csv.DhakaDateTime(row.CompletedAtUtc));

    /// <summary>The link that downloads what a filter shows.</summary>
    public static string Href(ReportFilter filter) => Path + filter.ToQueryString();
}
