using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace RechargePortal.Localization;

/// <summary>MudBlazor's own texts (pager, pickers, grid filters) from <c>Ui.bn.resx</c>'s <c>Mud:</c> keys; in English MudBlazor keeps its own.</summary>
internal sealed class PortalMudLocalizer : MudLocalizer
{
    public override LocalizedString this[string key] =>
        Ui.LibraryText("Mud:" + key) is { } text ? new LocalizedString(key, text) : new LocalizedString(key, key, resourceNotFound: true);

    public override LocalizedString this[string key, params object[] arguments] =>
        Ui.LibraryText("Mud:" + key) is { } text
            ? new LocalizedString(key, string.Format(Display.Culture, text, arguments))
            : new LocalizedString(key, key, resourceNotFound: true);
}

/// <summary>Identity's error messages (password rules, duplicate e-mail…) from <c>Ui.bn.resx</c>'s <c>Identity:</c> keys.</summary>
internal sealed class PortalIdentityErrors : IdentityErrorDescriber
{
    private static IdentityError Localize(IdentityError error, params object?[] args) =>
        Ui.LibraryText("Identity:" + error.Code) is { } text
            ? new IdentityError { Code = error.Code, Description = string.Format(Display.Culture, text, args.Select(a => a is int n ? Display.Number(n) : a).ToArray()) }
            : error;

    public override IdentityError DefaultError() => Localize(base.DefaultError());
    public override IdentityError ConcurrencyFailure() => Localize(base.ConcurrencyFailure());
    public override IdentityError PasswordMismatch() => Localize(base.PasswordMismatch());
    public override IdentityError InvalidToken() => Localize(base.InvalidToken());
    public override IdentityError RecoveryCodeRedemptionFailed() => Localize(base.RecoveryCodeRedemptionFailed());
    public override IdentityError LoginAlreadyAssociated() => Localize(base.LoginAlreadyAssociated());
    public override IdentityError InvalidUserName(string? userName) => Localize(base.InvalidUserName(userName), userName);
    public override IdentityError InvalidEmail(string? email) => Localize(base.InvalidEmail(email), email);
    public override IdentityError DuplicateUserName(string userName) => Localize(base.DuplicateUserName(userName), userName);
    public override IdentityError DuplicateEmail(string email) => Localize(base.DuplicateEmail(email), email);
    public override IdentityError InvalidRoleName(string? role) => Localize(base.InvalidRoleName(role), role);
    public override IdentityError DuplicateRoleName(string role) => Localize(base.DuplicateRoleName(role), role);
    public override IdentityError UserAlreadyHasPassword() => Localize(base.UserAlreadyHasPassword());
    public override IdentityError UserLockoutNotEnabled() => Localize(base.UserLockoutNotEnabled());
    public override IdentityError UserAlreadyInRole(string role) => Localize(base.UserAlreadyInRole(role), role);
    public override IdentityError UserNotInRole(string role) => Localize(base.UserNotInRole(role), role);
    public override IdentityError PasswordTooShort(int length) => Localize(base.PasswordTooShort(length), length);
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Localize(base.PasswordRequiresUniqueChars(uniqueChars), uniqueChars);
    public override IdentityError PasswordRequiresNonAlphanumeric() => Localize(base.PasswordRequiresNonAlphanumeric());
    public override IdentityError PasswordRequiresDigit() => Localize(base.PasswordRequiresDigit());
    public override IdentityError PasswordRequiresLower() => Localize(base.PasswordRequiresLower());
    public override IdentityError PasswordRequiresUpper() => Localize(base.PasswordRequiresUpper());
}
