using RechargePortal.Providers;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers;

/// <summary>A burst of calls (an Eid evening, a sweep after an outage) queues in the portal instead of flooding one vendor.</summary>
public sealed class UpstreamConcurrencyTests : AdapterTestBase
{
    [Fact]
    public async Task A_burst_reaches_the_vendor_at_most_MaxConcurrentCalls_at_a_time_and_every_call_is_answered()
    {
        var inFlight = 0;
        var most = 0;
        using var release = new SemaphoreSlim(0);
        Upstream.Answer(async context =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await release.WaitAsync(context.RequestAborted);
            Interlocked.Decrement(ref inFlight);
            await FakeUpstream.Body("""{"STATUS":"OK","MAIN_BALANCE":"3,500.00","STOCK_BALANCE":"0.00","MESSAGE":"ok"}""")(context);
        });
        var ecare = Ecare(maxConcurrentCalls: 2);

        var calls = Enumerable.Range(0, 6).Select(_ => ecare.QueryBalanceAsync()).ToList();
        for (var left = 6; left > 0; left--)
        {
            // The vendor holds every call until told: let them through one by one once the allowed number wait.
            await WaitUntilAsync(() => Volatile.Read(ref inFlight) >= Math.Min(2, left));
            release.Release();
        }

        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(350_000, Assert.IsType<BalanceResult.Known>(r).BalancePoisha));
        Assert.Equal(2, most);
        Assert.Equal(6, Upstream.Requests.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The vendor never saw the calls it expected.");
            await Task.Delay(10);
        }
    }
}
