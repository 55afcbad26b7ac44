using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RechargePortal.Data;
using RechargePortal.Features.BalanceRequests;
using RechargePortal.Features.Recharges;
using RechargePortal.Providers;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Data;

public sealed class ClusterNotificationsTests
{
    [Fact]
    public void A_host_skips_its_own_notification_and_delivers_another_hosts()
    {
        var here = new ClusterNotifications(NullLogger<ClusterNotifications>.Instance, relayed: true);
        var there = new ClusterNotifications(NullLogger<ClusterNotifications>.Instance, relayed: true);
        var heard = new List<RechargeChange>();
        here.Subscribe<RechargeChange>("recharge", heard.Add);
        var change = new RechargeChange(7, "reseller", RechargeStatus.Succeeded, Contradicted: true);

        here.Publish("recharge", change);
        there.Publish("recharge", change with { RechargeId = 8 });
        Assert.True(here.Outbox.TryRead(out var own));
        Assert.True(there.Outbox.TryRead(out var other));
        here.Deliver(own);
        here.Deliver(other);
        here.Deliver("not json");

        Assert.Equal([change with { RechargeId = 8 }], heard);
        Assert.True(other.Length < ClusterNotifications.MaxPayloadBytes);
    }

    [Fact]
    public void On_one_instance_nothing_is_queued_for_others()
    {
        using var app = new PortalAppFactory();
        var cluster = app.Services.GetRequiredService<ClusterNotifications>();
        Assert.Equal(PortalAppFactory.OnPostgres, cluster.Relayed);
        if (!PortalAppFactory.OnPostgres)
        {
            app.Services.GetRequiredService<RechargeNotifier>().Notify(new RechargeChange(1, "r", RechargeStatus.Succeeded));
            Assert.False(cluster.Outbox.TryRead(out _));
            Assert.False(cluster.Listening);
        }
    }

    [SkippableFact]
    public async Task A_change_on_one_instance_reaches_the_others_subscribers_and_its_own_once()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            using var a = new PortalAppFactory(path, new Dictionary<string, string?>());
            using var b = new PortalAppFactory(path, new Dictionary<string, string?>());
            var heardOnA = new ConcurrentQueue<RechargeChange>();
            var heardOnB = new ConcurrentQueue<RechargeChange>();
            a.Services.GetRequiredService<RechargeNotifier>().Changed += heardOnA.Enqueue;
            b.Services.GetRequiredService<RechargeNotifier>().Changed += heardOnB.Enqueue;
            var balanceOnA = new ConcurrentQueue<BalanceRequestChange>();
            a.Services.GetRequiredService<BalanceRequestNotifier>().Changed += balanceOnA.Enqueue;
            var providersOnA = new ConcurrentQueue<string>();
            a.Services.GetRequiredService<ProviderStatusNotifier>().Changed += providersOnA.Enqueue;
            await WaitForAsync(() => a.Services.GetRequiredService<ClusterNotifications>().Listening
                && b.Services.GetRequiredService<ClusterNotifications>().Listening);

            // Settled on B: A's page hears it; the callback stays B's to enqueue.
            b.Services.GetRequiredService<RechargeNotifier>().Notify(new RechargeChange(41, "reseller-1", RechargeStatus.Succeeded, CallbackDue: true));
            await WaitForAsync(() => heardOnA.Any(c => c.RechargeId == 41));
            Assert.Equal([new RechargeChange(41, "reseller-1", RechargeStatus.Succeeded, CallbackDue: false)], heardOnA.Where(c => c.RechargeId == 41));
            Assert.Single(heardOnB, c => c.RechargeId == 41);

            b.Services.GetRequiredService<BalanceRequestNotifier>().Notify(new BalanceRequestChange(5, "requester", null, BalanceRequestStatus.Approved));
            b.Services.GetRequiredService<ProviderStatusNotifier>().NotifyChanged("Ecare");
            await WaitForAsync(() => balanceOnA.Contains(new BalanceRequestChange(5, "requester", null, BalanceRequestStatus.Approved)) && providersOnA.Contains("Ecare"));

            // Raised on A: delivered once on A even after it has come back through PostgreSQL. B's later marker reaches
            // A after A's own notification (one queue, commit order), so once A has the marker, a second copy would be there.
            a.Services.GetRequiredService<RechargeNotifier>().Notify(new RechargeChange(42, "reseller-2", RechargeStatus.Failed));
            await WaitForAsync(() => heardOnB.Any(c => c.RechargeId == 42));
            b.Services.GetRequiredService<RechargeNotifier>().Notify(new RechargeChange(43, "reseller-2", RechargeStatus.Failed));
            await WaitForAsync(() => heardOnA.Any(c => c.RechargeId == 43));
            Assert.Single(heardOnA, c => c.RechargeId == 42);
            Assert.Single(heardOnB, c => c.RechargeId == 43);
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(50);
        }
    }
}
