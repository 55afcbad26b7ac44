using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using RechargePortal.Security;

namespace RechargePortal.Components.Account;

// Someone working on an open page sends no HTTP requests: their clicks, typing and in-page navigation reach the
// server through the circuit. Counting that as activity keeps their session from going idle under them.
// (Acknowledgements of a page's live updates arrive the same way and count too; the absolute lifetime still applies.)
internal sealed class SessionActivityCircuitHandler(
        AuthenticationStateProvider authenticationStateProvider,
        UserSessionService sessions,
        TimeProvider time,
        ILogger<SessionActivityCircuitHandler> logger)
    : CircuitHandler
{
    private DateTimeOffset lastRecorded = DateTimeOffset.MinValue;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var now = time.GetUtcNow();
            if (now - lastRecorded >= UserSessionService.ActivityResolution)
            {
                lastRecorded = now;
                await RecordAsync();
            }

            await next(context);
        };

    private async Task RecordAsync()
    {
        try
        {
            var state = await authenticationStateProvider.GetAuthenticationStateAsync();
            if (state.User.Identity?.IsAuthenticated == true)
            {
                await sessions.UseAsync(state.User);
            }
        }
        catch (Exception ex)
        {
            // Recording activity must not break the click it came with; the revalidation still checks the session.
            logger.LogWarning(ex, "Could not record activity on an open page.");
        }
    }
}
