using MudBlazor;
using RechargePortal.Security;

namespace RechargePortal.Components.Shared;

/// <summary>Every page shows an admin action's outcome the same way: its own line or the page's, else why it was refused.</summary>
public static class AdminResultDisplay
{
    public static void Show(this ISnackbar snackbar, AdminResult result, string success) =>
        snackbar.Add(result.Succeeded ? result.Message ?? success : result.Problem, result.Succeeded ? Severity.Success : Severity.Error);
}
