using System.Text.RegularExpressions;
using RechargePortal.Localization;

namespace RechargePortal.Features.Wallets;

/// <summary>
/// A stored ledger memo as a person reads it on a page. The database keeps the English memo (the CSV and the audit read
/// that); here each fixed shape written by <c>RechargeWording</c> and <c>ResellerWording</c> is shown in the current
/// language, with its emails, references and numbers as stored. An admin's own note, or a shape not known here, shows as is.
/// </summary>
public static partial class LedgerMemoText
{
    public static string Shown(string memo)
    {
        if (string.IsNullOrEmpty(memo))
        {
            return memo;
        }

        if (HoldPattern().Match(memo) is { Success: true } hold)
        {
            return Ui.Text("Recharge {0} ({1}, {2}) {3}", Display.Digits(hold.Groups["number"].Value), hold.Groups["op"].Value,
                Ui.Text(hold.Groups["type"].Value), hold.Groups["ref"].Value);
        }

        if (RefundPattern().Match(memo) is { Success: true } refund)
        {
            return Ui.Text("Refund: recharge {0} to {1} failed", refund.Groups["ref"].Value, Display.Digits(refund.Groups["number"].Value));
        }

        if (CommissionPattern().Match(memo) is { Success: true } commission)
        {
            return Ui.Text("Commission on recharge {0}", commission.Groups["ref"].Value);
        }

        if (CorrectionDeliveredPattern().Match(memo) is { Success: true } delivered)
        {
            return Ui.Text("Correction: recharge {0} was delivered after all (refund taken back, commission kept)", delivered.Groups["ref"].Value);
        }

        if (CorrectionReversedPattern().Match(memo) is { Success: true } reversed)
        {
            return Ui.Text("Correction: recharge {0} was reversed by the operator (amount returned, less commission paid)", reversed.Groups["ref"].Value);
        }

        if (MarginPattern().Match(memo) is { Success: true } margin)
        {
            return Ui.Text("Margin on recharge {0} by {1}", margin.Groups["ref"].Value, margin.Groups["email"].Value);
        }

        if (MarginDeliveredPattern().Match(memo) is { Success: true } marginDelivered)
        {
            return Ui.Text("Correction: margin on recharge {0}, delivered after all", marginDelivered.Groups["ref"].Value);
        }

        if (MarginReversedPattern().Match(memo) is { Success: true } marginReversed)
        {
            return Ui.Text("Correction: margin on recharge {0} taken back, reversed by the operator", marginReversed.Groups["ref"].Value);
        }

        if (TransferPattern().Match(memo) is { Success: true } transfer)
        {
            var text = Ui.Text(transfer.Groups["what"].Value + " {0}", transfer.Groups["email"].Value);
            return transfer.Groups["note"].Success ? text + ": " + Shown(transfer.Groups["note"].Value) : text;
        }

        if (BalanceRequestPattern().Match(memo) is { Success: true } request)
        {
            return Ui.Text("Balance request #{0} ({1} {2})", request.Groups["id"].Value, Ui.Text(request.Groups["method"].Value), request.Groups["tx"].Value);
        }

        return memo switch
        {
            "Credit by admin" or "Debit by admin" => Ui.Text(memo),
            _ => memo,
        };
    }

    [GeneratedRegex(@"^Recharge (?<number>[\d\s+-]+) \((?<op>[^,()]+), (?<type>Prepaid|Postpaid|Skitto|PowerLoad)\) (?<ref>\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex HoldPattern();

    [GeneratedRegex(@"^Refund: recharge (?<ref>\S+) to (?<number>[\d\s+-]+) failed$", RegexOptions.CultureInvariant)]
    private static partial Regex RefundPattern();

    [GeneratedRegex(@"^Commission on recharge (?<ref>\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex CommissionPattern();

    [GeneratedRegex(@"^Correction: recharge (?<ref>\S+) was delivered after all \(refund taken back, commission kept\)$", RegexOptions.CultureInvariant)]
    private static partial Regex CorrectionDeliveredPattern();

    [GeneratedRegex(@"^Correction: recharge (?<ref>\S+) was reversed by the operator \(amount returned, less commission paid\)$", RegexOptions.CultureInvariant)]
    private static partial Regex CorrectionReversedPattern();

    [GeneratedRegex(@"^Margin on recharge (?<ref>\S+) by (?<email>\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex MarginPattern();

    [GeneratedRegex(@"^Correction: margin on recharge (?<ref>\S+), delivered after all$", RegexOptions.CultureInvariant)]
    private static partial Regex MarginDeliveredPattern();

    [GeneratedRegex(@"^Correction: margin on recharge (?<ref>\S+) taken back, reversed by the operator$", RegexOptions.CultureInvariant)]
    private static partial Regex MarginReversedPattern();

    // ResellerWording's transfer memos, with the sender's note after ": " when there is one.
    [GeneratedRegex(@"^(?<what>Balance sent to|Balance from|Taken back by|Taken back from) (?<email>[^\s:]+)(?:: (?<note>.*))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex TransferPattern();

    [GeneratedRegex(@"^Balance request #(?<id>\d+) \((?<method>bKash|Nagad|Rocket|Bank|Cash) (?<tx>.*)\)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex BalanceRequestPattern();
}
