namespace RechargePortal.Security;

// The one refusal shape of every guarded read: this exception, never partial or empty data; an HTTP request answers 403, an open page's circuit ends.
public sealed class AccessRefusedException(Actor actor, string what)
    : Exception($"{actor.Email} may not read {what} (not an active account in a role that may).")
{
    public Actor Actor { get; } = actor;

    public string What { get; } = what;
}

public static class AccessRefusedResponses
{
    /// <summary>
    /// Turns a refused read into 403 (with a short problem body, so the status page does not replace it) while
    /// the response has not started: CSV endpoints, and pages refused while they render on the server.
    /// </summary>
    public static WebApplication UseAccessRefusedAs403(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (AccessRefusedException e) when (!http.Response.HasStarted)
            {
                http.RequestServices.GetRequiredService<ILogger<AccessRefusedException>>()
                    .LogWarning("Refused {Path} to {Email}: {What}.", http.Request.Path.Value, e.Actor.Email, e.What);
                http.Response.Clear();
                // In the reader's language on a page; CSV paths run in English (PortalLanguage.IsMachinePath).
                await Results.Problem(title: Localization.Ui.Text("You may not see this."),
                    detail: Localization.Ui.Text("Your account is locked, signed out elsewhere, or not allowed to read it. Sign in again."),
                    statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(http);
            }
        });
        return app;
    }
}
