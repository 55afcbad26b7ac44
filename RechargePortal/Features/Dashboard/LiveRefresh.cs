namespace RechargePortal.Features.Dashboard;

/// <summary>
/// Reloads a dashboard when recharges change. Call <see cref="RunAsync"/> on the component's
/// dispatcher (inside <c>InvokeAsync</c>): changes that arrive while a reload runs fold into one
/// more reload after it, and reloads start at most once per <paramref name="minimumGap"/>, so a
/// busy hour of every reseller's recharges costs an open dashboard a few queries a minute, not a
/// reload per recharge.
/// </summary>
public sealed class LiveRefresh(Func<Task> reload, TimeSpan minimumGap = default, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private bool running;
    private bool again;
    private long? lastStart;

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
                if (lastStart is { } last && minimumGap - clock.GetElapsedTime(last) is var left && left > TimeSpan.Zero)
                {
                    await Task.Delay(left, clock);
                }

                // Changes that came while waiting are covered by this reload.
                again = false;
                lastStart = clock.GetTimestamp();
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
