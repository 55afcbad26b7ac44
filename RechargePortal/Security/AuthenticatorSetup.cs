using System.Text;
using Microsoft.AspNetCore.Identity;
using QRCoder;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>What an authenticator app needs: the shared key, readable and as a QR code of its <c>otpauth://</c> address.</summary>
public static class AuthenticatorSetup
{
    public const string Issuer = "RechargePortal";

    public const int RecoveryCodeCount = 10;

    /// <summary>The key in groups of four, lower case, as people type it into an app.</summary>
    /// <summary>
    /// The key an authenticator app is to share, made on first need. A key not yet turned on protects nothing, so it is
    /// stored without a new security stamp (Identity's ResetAuthenticatorKeyAsync makes one): opening the set-up page twice
    /// at once (a second tab, a click while the page starts) keeps the session. Turning 2FA on or off changes the stamp.
    /// </summary>
    public static async Task<string> KeyToShareAsync(UserManager<PortalUser> users, IUserStore<PortalUser> store, PortalUser user)
    {
        if (await users.GetAuthenticatorKeyAsync(user) is { Length: > 0 } key)
        {
            return key;
        }

        await ((IUserAuthenticatorKeyStore<PortalUser>)store).SetAuthenticatorKeyAsync(user, users.GenerateNewAuthenticatorKey(), CancellationToken.None);
        await users.UpdateAsync(user);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    public static string FormatKey(string key)
    {
        var formatted = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            if (i > 0)
            {
                formatted.Append(' ');
            }

            formatted.Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }

        return formatted.ToString().ToLowerInvariant();
    }

    public static string AuthenticatorUri(string email, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6";

    /// <summary>The QR code as a <c>data:</c> PNG (the CSP allows data images, not scripts that would draw one).</summary>
    public static string QrCodeDataUri(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }

    /// <summary>A typed code without the spaces and dashes apps show in it.</summary>
    public static string NormalizeCode(string? code) =>
        (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
}
