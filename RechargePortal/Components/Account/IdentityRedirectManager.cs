using Microsoft.AspNetCore.Components;
using RechargePortal.Security;

namespace RechargePortal.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// An address of the portal's own: base-relative (<c>Account/Lockout</c>), rooted, or this app's absolute
    /// address. Anything else goes to <c>/</c>, never to another site and never to an error page.
    /// </summary>
    public void RedirectTo(string? uri)
    {
        uri ??= "";
        if (uri.StartsWith(navigationManager.BaseUri, StringComparison.OrdinalIgnoreCase))
        {
            uri = "/" + navigationManager.ToBaseRelativePath(uri);
        }
        else if (uri.Length > 0 && uri[0] is not ('/' or '\\') && Uri.IsWellFormedUriString(uri, UriKind.Relative))
        {
            uri = "/" + uri;
        }

        navigationManager.NavigateTo(ReturnUrl.LocalOrRoot(uri));
    }

    /// <summary>Where a form's <c>ReturnUrl</c> asks to go: a local path, or <c>/</c> when it is foreign or malformed.</summary>
    public void RedirectToReturnUrl(string? returnUrl) => RedirectTo(ReturnUrl.LocalOrRoot(returnUrl));

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);
}
