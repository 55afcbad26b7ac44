using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;
using RechargePortal.Data;
using RechargePortal.Localization;

namespace RechargePortal.Security;

/// <summary>
/// What Identity's own rules leave out (ASVS 2.1): at most <see cref="MaxLength"/> characters, and none of
/// the 10,000 most common passwords (<c>common-passwords.txt</c>, embedded; compared in lower case).
/// Length, not composition, is the rule: the minimum of 12 is Identity's <c>RequiredLength</c>.
/// </summary>
public sealed class PasswordPolicyValidator : IPasswordValidator<PortalUser>
{
    public const int MinLength = 12;
    public const int MaxLength = 128;
    public const string TooLongCode = "PasswordTooLong";
    public const string TooCommonCode = "PasswordTooCommon";

    // In the reader's language (read when the refusal or the page is made).
    public static string TooLongMessage => Ui.Text("The password must have at most {0} characters.", Display.Number(MaxLength));

    public static string TooCommonMessage =>
        Ui.Text("This is one of the most common passwords, which attackers try first. Choose another: a few unrelated words make a strong one.");

    /// <summary>Shown under every new-password field.</summary>
    public static string Help =>
        Ui.Text("{0} to {1} characters. A few unrelated words make a strong password; common passwords are refused.", Display.Number(MinLength), Display.Number(MaxLength));

    private static readonly Lazy<FrozenSet<string>> Common = new(LoadCommon);

    public static int CommonCount => Common.Value.Count;

    public static bool IsCommon(string password) => Common.Value.Contains(password.ToLowerInvariant());

    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
    {
        if (password is null)
        {
            return Task.FromResult(IdentityResult.Success); // "required" is Identity's own rule
        }

        if (password.Length > MaxLength)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError { Code = TooLongCode, Description = TooLongMessage }));
        }

        return Task.FromResult(IsCommon(password)
            ? IdentityResult.Failed(new IdentityError { Code = TooCommonCode, Description = TooCommonMessage })
            : IdentityResult.Success);
    }

    private static FrozenSet<string> LoadCommon()
    {
        const string name = "RechargePortal.Security.common-passwords.txt";
        using var stream = typeof(PasswordPolicyValidator).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line.ToLowerInvariant());
            }
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
