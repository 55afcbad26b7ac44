using System.Globalization;
using System.Security.Cryptography;
using RechargePortal.Localization;
using RechargePortal.Providers;

namespace RechargePortal.Features.Recharges;

/// <summary>
/// The one home of a recharge's words and identifiers: ledger memos, reference formats and the
/// notes resellers read. The services and the demo seeder both use it, so they cannot drift apart.
/// </summary>
public static class RechargeWording
{
    /// <summary>Characters of our references: no I, L, O or U to misread on a phone call.</summary>
    public const string ReferenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Ours, shown to the reseller: <c>RC261122-7K2M9Q4X</c> (the UTC date, then 8 characters).</summary>
    public static string Reference(DateTime createdAtUtc, ReadOnlySpan<char> code) =>
        string.Create(CultureInfo.InvariantCulture, $"RC{createdAtUtc:yyMMdd}-{code}");

    public static string NewReference(DateTime createdAtUtc) =>
        Reference(createdAtUtc, RandomNumberGenerator.GetString(ReferenceAlphabet, 8));

    /// <summary>
    /// The vendor's refid / id of one attempt, unique for ever: the second it was made, then the
    /// recharge and attempt numbers. Digits only, as ECARE's refid.
    /// </summary>
    public static string UpstreamReference(DateTime attemptAtUtc, long rechargeId, int attemptNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"{attemptAtUtc:yyMMddHHmmss}{rechargeId}{attemptNumber:D2}");

    public static string HoldMemo(string number, MobileOperator op, NumberType type, string reference) =>
        $"Recharge {MobileNumber.Display(number)} ({op}, {RechargeRules.Label(type)}) {reference}";

    public static string RefundMemo(string reference, string number) =>
        $"Refund: recharge {reference} to {MobileNumber.Display(number)} failed";

    public static string CommissionMemo(string reference) => $"Commission on recharge {reference}";

    /// <summary>An admin's correction after a provider contradicted a final recharge.</summary>
    public static string CorrectionMemo(string reference, bool delivered) => delivered
        ? $"Correction: recharge {reference} was delivered after all (refund taken back, commission kept)"
        : $"Correction: recharge {reference} was reversed by the operator (amount returned, less commission paid)";

    /// <summary>A placement refused by the per-minute limit, as the reseller reads it beside the form.</summary>
    public static string TooManyAttempts(int perMinute, TimeSpan retryAfter) =>
        Ui.Text("Too many recharges: at most {0} a minute. Try again in {1} seconds. Nothing was charged.",
            Display.Digits(perMinute.ToString(CultureInfo.InvariantCulture)), Display.Digits(retryAfter.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)));

    /// <summary>A placement refused by the daily cap on failed recharges.</summary>
    public static string TooManyFailed(int perDay) =>
        Ui.Text("{0} of your recharges failed today, the most allowed in a day: recharging is paused until midnight (Bangladesh time). Nothing was charged.",
            Display.Digits(perDay.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A reference placed again with another order (an API's 409).</summary>
    public static string ReferenceReused(string clientReference, string rechargeReference) =>
        $"The reference {clientReference} was already used for another order (recharge {rechargeReference}). Nothing was charged.";

    /// <summary>
    /// Why a recharge failed or waits, as the reseller reads it: no provider names, no vendor text. Kept in English in the
    /// database (and the API); the pages show them through the localizer (each is a key of <c>Ui.resx</c>).
    /// </summary>
    public static class ResellerNotes
    {
        public const string Refused = "It could not be sent: refused upstream.";
        public const string NoProvider = "Recharges for this operator are paused right now. Try again later.";
        public const string OperatorFailed = "The operator did not deliver it.";
        public const string NeverArrived = "It never reached the operator.";
        public const string NotSent = "It was not sent (the portal restarted).";
        public const string AdminFailed = "Checked by our team: it was not delivered.";
        public const string InReview = "Taking longer than usual: our team is checking it with the operator. The amount stays held until then.";
    }
}
