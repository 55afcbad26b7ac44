using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Providers;

namespace RechargePortal.Features.Recharges;

/// <summary>What the reseller filled in, as typed.</summary>
public sealed class RechargeForm
{
    public string Number { get; set; } = "";

    /// <summary>Null: take the operator from the prefix.</summary>
    public MobileOperator? Operator { get; set; }

    public NumberType NumberType { get; set; } = NumberType.Prepaid;

    public string Amount { get; set; } = "";

    /// <summary>
    /// The offer pack the client means to buy (the API's <c>offerPackId</c>): checked to be active, of this operator and
    /// type, and priced at <see cref="Amount"/>. Null: the amount decides, as on the form (a pack's price buys that pack).
    /// </summary>
    public long? OfferPackId { get; set; }
}

/// <summary>A checked order: normalised number, operator, type and amount.</summary>
public sealed record RechargeOrder(string Number, MobileOperator Operator, NumberType NumberType, Money Amount);

/// <summary>Field keys of validation errors (the form shows each beside its field).</summary>
public static class RechargeFields
{
    public const string Number = nameof(RechargeForm.Number);
    public const string Operator = nameof(RechargeForm.Operator);
    public const string NumberType = nameof(RechargeForm.NumberType);
    public const string Amount = nameof(RechargeForm.Amount);

    /// <summary>The reseller's own reference (the API's <c>reference</c>), not a form field.</summary>
    public const string Reference = "Reference";

    public const string OfferPackId = nameof(RechargeForm.OfferPackId);
}

/// <summary>The rules a recharge must pass before any money moves. Pure: no database, no HTTP.</summary>
public static class RechargeRules
{
    public const int MaxClientReferenceLength = 64;

    /// <summary>Why a reseller's own reference is not one (1–64 of <c>[A-Za-z0-9._:-]</c>), or null when it is.</summary>
    public static string? CheckClientReference(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return "Give a reference: your own id for this recharge.";
        }

        if (reference.Length > MaxClientReferenceLength)
        {
            return $"A reference has at most {MaxClientReferenceLength} characters.";
        }

        return reference.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-')
            ? null
            : "A reference uses only letters, digits and . _ : - (no spaces).";
    }

    /// <summary>
    /// Whether a form asks for the same order as one placed: the number as <see cref="MobileNumber.TryNormalize"/> reads it,
    /// the operator (chosen, or the prefix's), the number type and the amount. No amount limits or packs are consulted:
    /// they may have changed since, and a repeat asks for what was placed, not for a new check. (The offer pack follows
    /// from operator, type and amount, as the form has no pack of its own.)
    /// </summary>
    public static bool IsSameOrder(RechargeForm form, RechargeOrder placed) =>
        MobileNumber.TryNormalize(form.Number, out var number, out _)
        && number == placed.Number
        && (form.Operator ?? MobileNumber.OperatorOf(number)) == placed.Operator
        && form.NumberType == placed.NumberType
        && Money.TryParse(form.Amount, out var amount, out _)
        && amount == placed.Amount;

    /// <summary>
    /// Checks a form. <paramref name="isPackPrice"/> says whether an amount is an active offer
    /// pack's price for an operator and type: pack prices are exempt from the amount limits.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Validate(
        RechargeForm form, IEnumerable<AmountRule> rules, Func<MobileOperator, NumberType, Money, bool> isPackPrice, out RechargeOrder? order)
    {
        order = null;
        var errors = new Dictionary<string, string>();
        MobileOperator? op = null;
        if (!MobileNumber.TryNormalize(form.Number, out var number, out var numberError))
        {
            errors[RechargeFields.Number] = numberError;
        }
        else
        {
            op = form.Operator ?? MobileNumber.OperatorOf(number);
        }

        if (!Enum.IsDefined(form.NumberType))
        {
            errors[RechargeFields.NumberType] = Ui.Text("Choose a number type.");
        }
        else if (form.NumberType == NumberType.Skitto && op is not null && op != MobileOperator.Grameenphone)
        {
            errors[RechargeFields.NumberType] = Ui.Text("Skitto numbers are Grameenphone's: choose Grameenphone as the operator or another number type.");
        }

        if (form.Operator is { } chosen && !Enum.IsDefined(chosen))
        {
            errors[RechargeFields.Operator] = Ui.Text("Choose an operator.");
        }

        if (!Money.TryParse(form.Amount, out var amount, out var amountError))
        {
            errors[RechargeFields.Amount] = amountError;
        }
        else if (op is { } o && !errors.ContainsKey(RechargeFields.NumberType) && !isPackPrice(o, form.NumberType, amount)
                 && AmountLimits.For(rules, o, form.NumberType).Check(amount) is { } limitError)
        {
            errors[RechargeFields.Amount] = limitError;
        }

        if (errors.Count == 0 && op is { } finalOp)
        {
            order = new RechargeOrder(number, finalOp, form.NumberType, amount);
        }

        return errors;
    }

    /// <summary>Which number types an operator sells.</summary>
    public static IReadOnlyList<NumberType> TypesFor(MobileOperator? op) =>
        op is null or MobileOperator.Grameenphone
            ? [NumberType.Prepaid, NumberType.Postpaid, NumberType.Skitto, NumberType.PowerLoad]
            : [NumberType.Prepaid, NumberType.Postpaid, NumberType.PowerLoad];

    /// <summary>The type's English name (ledger memos, the API); pages show it as <c>L[Label(type)]</c>.</summary>
    public static string Label(NumberType type) => type switch
    {
        NumberType.PowerLoad => "PowerLoad",
        _ => type.ToString(),
    };
}
