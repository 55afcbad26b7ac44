namespace RechargePortal.Security;

/// <summary>
/// Where a sign-in form may send the browser afterwards: a path of this portal, nothing else.
/// Anything foreign or malformed becomes <c>/</c> instead of an open redirect or an error page.
/// </summary>
public static class ReturnUrl
{
    /// <summary>Longer than any address the portal makes (a report filter is well under this).</summary>
    public const int MaxLength = 1024;

    public static string LocalOrRoot(string? url) => IsLocal(url) ? url! : "/";

    /// <summary>
    /// A rooted path of printable ASCII (the Location header takes nothing else), not <c>//host</c> or
    /// <c>/\host</c>, which browsers follow to another site, and not hiding either behind percent-encoding
    /// or a control character (browsers drop tabs and line breaks from addresses).
    /// </summary>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || !IsRootedPath(url))
        {
            return false;
        }

        foreach (var c in url)
        {
            if (c is < '!' or > '~' or '\\')
            {
                return false;
            }
        }

        // Decoded, it must still be a plain local path; a few rounds catch double encoding.
        var decoded = url;
        for (var round = 0; round < 3; round++)
        {
            var next = Uri.UnescapeDataString(decoded);
            if (next == decoded)
            {
                break;
            }

            decoded = next;
            if (!IsRootedPath(decoded) || decoded.Any(c => char.IsControl(c) || c == '\\'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsRootedPath(string url) =>
        url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\'));
}
