namespace RechargePortal.Security;

/// <summary>
/// What keeps a session from going idle: the person's own requests and input. On an open page, input reaches the server
/// through the circuit or not at all, and the circuit also carries what is not the person (the browser's answers to live
/// updates, reconnecting), so the page's script (<c>wwwroot-assets/js/activity.js</c>) reports keys, clicks, typing,
/// scrolling and touches itself, at most once a minute, with a post to <see cref="Path"/>. The post carries the sign-in
/// cookie, whose check records the use (<see cref="UserSessionService.UseAsync"/>); the circuit's own requests only
/// check that the session is still going.
/// </summary>
public static class UserActivity
{
    public const string Path = "/Account/Activity";

    // Blazor's hub: its connection and reconnections (and polls, where WebSockets are unavailable) are the page's, not the person's.
    private const string CircuitPath = "/_blazor";

    public static bool CountsAsActivity(HttpRequest request) => !request.Path.StartsWithSegments(CircuitPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Nothing to do here: the cookie's check has recorded the use. A session that is over answers 401 (with a body, so the
    /// status-code page does not re-run the post), not the login page, to a script. No antiforgery token: the sign-in
    /// cookie is SameSite=Lax, so another site's post comes without it.
    /// </summary>
    public static IResult Report(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true
            ? Results.NoContent()
            : Results.Problem(title: "No session is going: sign in again.", statusCode: StatusCodes.Status401Unauthorized);
}
