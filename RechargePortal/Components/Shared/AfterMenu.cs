namespace RechargePortal.Components.Shared;

/// <summary>
/// A row menu's item that opens a dialog. MudMenu closes once its item's click has returned, so an item that awaited its
/// dialog there would leave the menu open behind the dialog until the dialog closed. <see cref="Run"/> returns at once and
/// runs the action right after, then renders the page as the end of a click would (<paramref name="stateHasChanged"/>); an
/// exception in it goes to the page's circuit as the click's would (<c>ComponentBase.DispatchExceptionAsync</c>).
/// </summary>
public static class AfterMenu
{
    public static void Run(Func<Task> action, Action stateHasChanged, Func<Exception, Task> dispatchException) =>
        _ = RunAsync(action, stateHasChanged, dispatchException);

    private static async Task RunAsync(Func<Task> action, Action stateHasChanged, Func<Exception, Task> dispatchException)
    {
        await Task.Yield();
        try
        {
            await action();
            stateHasChanged();
        }
        catch (Exception e)
        {
            await dispatchException(e);
        }
    }
}
