namespace RechargePortal.Features.Dashboard;

/// <summary>
/// Reloads a dashboard when recharges change. Call <see cref="RunAsync"/> on the component's
/// dispatcher (inside <c>InvokeAsync</c>): changes that arrive while a reload runs fold into one
/// more reload after it, so a busy minute costs a few queries, not one per recharge.
/// </summary>
public sealed class LiveRefresh(Func<Task> reload)
{
    private bool running;
    private bool again;

    public async Task RunAsync()
    {
        if (running)
        {
            again = true;
            return;
        }

        running = true;
        try
        {
            do
            {
                again = false;
                await reload();
            }
            while (again);
        }
        finally
        {
            running = false;
        }
    }
}
