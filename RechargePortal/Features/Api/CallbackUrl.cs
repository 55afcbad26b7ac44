using System.Net;
using System.Net.Sockets;

namespace RechargePortal.Features.Api;

/// <summary>
/// Where a key's callbacks go. Outside Development: https only, and never a loopback, private, link-local or otherwise
/// internal address (SSRF); a host name is checked again when a callback is delivered, against the address it resolves to.
/// </summary>
public static class CallbackUrl
{
    /// <summary>Development, or <c>Api:AllowInsecureCallbacks</c>: http:// and internal addresses are let through.</summary>
    public static bool InsecureAllowed(IHostEnvironment environment, ApiOptions options) => environment.IsDevelopment() || options.AllowInsecureCallbacks;

    public static bool TryValidate(string? text, bool isDevelopment, out string? url, out string? error)
    {
        url = null;
        error = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return true;
        }

        if (trimmed.Length > ApiKey.MaxCallbackUrlLength || !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = Localization.Ui.Text("Enter an absolute https:// address (no user name or password in it).");
            return false;
        }

        if (!isDevelopment && uri.Scheme != Uri.UriSchemeHttps)
        {
            error = Localization.Ui.Text("The callback address must use https://.");
            return false;
        }

        if (!isDevelopment && IsInternalHost(uri))
        {
            error = Localization.Ui.Text("The callback address must be a public one (not loopback, private or link-local).");
            return false;
        }

        url = uri.AbsoluteUri;
        return true;
    }

    private static bool IsInternalHost(Uri uri)
    {
        if (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IsInternal(address);
    }

    /// <summary>Loopback, private (RFC 1918, unique-local), link-local, CGNAT, unspecified or multicast.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] >= 224;
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
    }
}
