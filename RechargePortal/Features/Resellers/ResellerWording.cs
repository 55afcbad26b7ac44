namespace RechargePortal.Features.Resellers;

/// <summary>The one home of the tree's ledger memos: the services and the demo seeder share them.</summary>
public static class ResellerWording
{
    public static string SentMemo(string childEmail, string note) => WithNote($"Balance sent to {childEmail}", note);

    public static string ReceivedMemo(string parentEmail, string note) => WithNote($"Balance from {parentEmail}", note);

    public static string TakenBackMemo(string parentEmail, string note) => WithNote($"Taken back by {parentEmail}", note);

    public static string TookBackMemo(string childEmail, string note) => WithNote($"Taken back from {childEmail}", note);

    /// <summary>An ancestor's margin on a recharge placed below them.</summary>
    public static string MarginMemo(string reference, string placerEmail) => $"Margin on recharge {reference} by {placerEmail}";

    /// <summary>An admin's correction of an ancestor's margin after a provider contradicted a final recharge.</summary>
    public static string MarginCorrectionMemo(string reference, bool delivered) => delivered
        ? $"Correction: margin on recharge {reference}, delivered after all"
        : $"Correction: margin on recharge {reference} taken back, reversed by the operator";

    /// <summary>The note of the money an approved balance request moves (a transfer's memos, or an admin's deposit).</summary>
    public static string BalanceRequestNote(long requestId, BalanceRequests.PaymentMethod method, string transactionId) =>
        $"Balance request #{requestId} ({BalanceRequests.PaymentMethods.Name(method)} {transactionId})";

    private static string WithNote(string memo, string note) => note.Length == 0 ? memo : $"{memo}: {note}";
}
