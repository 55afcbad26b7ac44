using Microsoft.Extensions.Time.Testing;
using RechargePortal.Features.Dashboard;

namespace RechargePortal.Tests.Features.Dashboard;

/// <summary>An open dashboard follows a burst of recharge changes with few reloads, never with one per change.</summary>
public sealed class LiveRefreshTests
{
    [Fact]
    public async Task A_burst_of_changes_costs_one_more_reload_after_the_gap_and_a_quiet_change_reloads_at_once()
    {
        var time = new FakeTimeProvider();
        var reloads = 0;
        var inReload = new TaskCompletionSource();
        var refresh = new LiveRefresh(async () =>
        {
            reloads++;
            if (reloads == 1)
            {
                await inReload.Task;
            }
        }, TimeSpan.FromSeconds(5), time);

        var first = refresh.RunAsync();
        await refresh.RunAsync();
        await refresh.RunAsync();
        await refresh.RunAsync();
        Assert.Equal(1, reloads);

        inReload.SetResult();
        Assert.False(first.IsCompleted);
        Assert.Equal(1, reloads);
        time.Advance(TimeSpan.FromSeconds(5));
        await first;
        Assert.Equal(2, reloads);

        // Quiet since: the next change reloads without waiting.
        time.Advance(TimeSpan.FromSeconds(30));
        await refresh.RunAsync();
        Assert.Equal(3, reloads);
    }
}
