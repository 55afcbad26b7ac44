using System.Globalization;
using System.Security.Claims;
using System.Text;
using RechargePortal.Components.Shared;
using RechargePortal.Security;

namespace RechargePortal.Features.Wallets;

/// <summary>Wallet statements as CSV: a reseller's own (and their subtree's), and any wallet's for auditors and admins.</summary>
public static class StatementCsv
{
    public static IEndpointRouteBuilder MapStatementCsv(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/wallet/statement.csv", async (ClaimsPrincipal user, DateOnly? from, DateOnly? to,
                WalletService wallets, TimeProvider time, CancellationToken ct) =>
            {
                var actor = Actor.From(user);
                var wallet = await wallets.FindByUserAsync(actor, actor.UserId, ct);
                return wallet is null ? Results.NotFound() : await CsvAsync(actor, wallets, wallet.Id, from, to, time, ct);
            })
            .RequireAuthorization(p => p.RequireRole(Roles.Reseller));

        endpoints.MapGet("/wallets/{walletId:long}/statement.csv", (ClaimsPrincipal user, long walletId, DateOnly? from, DateOnly? to,
                WalletService wallets, TimeProvider time, CancellationToken ct) => CsvAsync(Actor.From(user), wallets, walletId, from, to, time, ct))
            // A reseller reads the statements of their own subtree here; the service refuses anyone else's (403).
            .RequireAuthorization(p => p.RequireRole(Roles.Auditor, Roles.Admin, Roles.Reseller));
        return endpoints;
    }

    /// <summary>The service checks the actor (AccessRefusedException: 403) before any line is written.</summary>
    private static async Task<IResult> CsvAsync(
        Actor actor, WalletService wallets, long walletId, DateOnly? from, DateOnly? to, TimeProvider time, CancellationToken ct)
    {
        var today = DhakaTime.Today(time);
        var statement = await wallets.StatementAsync(actor, walletId, from ?? new DateOnly(today.Year, today.Month, 1), to ?? today, ct);
        if (statement is null)
        {
            return Results.NotFound();
        }

        var name = $"statement-{statement.Email.Split('@')[0]}-{statement.From:yyyyMMdd}-{statement.To:yyyyMMdd}.csv";
        return Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Write(statement))).ToArray(), "text/csv; charset=utf-8", name);
    }

    public static string Write(Statement statement)
    {
        var csv = new StringBuilder();
        csv.AppendLine("Date (Bangladesh time),Kind,Amount (BDT),Balance after (BDT),Memo,Reference,Recharge,By");
        csv.AppendLine(Row(IsoDhaka(DhakaTime.StartOfDayUtc(statement.From)), "Opening balance", "", CsvCell.Number(statement.Opening), "", "", "", ""));
        foreach (var line in statement.Lines)
        {
            csv.AppendLine(Row(
                IsoDhaka(line.AtUtc), line.Kind.ToString(), CsvCell.Number(line.Amount), CsvCell.Number(line.BalanceAfter),
                line.Memo, line.Reference ?? "", line.RechargeId?.ToString(CultureInfo.InvariantCulture) ?? "", line.ActorEmail));
        }

        csv.AppendLine(Row("", "Closing balance", "", CsvCell.Number(statement.Closing), "", "", "", ""));
        return csv.ToString();
    }

    // Spreadsheets sort and parse this form of date.
    private static string IsoDhaka(DateTime utc) => DhakaTime.FromUtc(utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Row(params CsvCell[] cells) => Csv.Row(cells);
}
