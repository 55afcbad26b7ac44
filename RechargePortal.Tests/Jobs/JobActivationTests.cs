using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Recharges;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Jobs;

public sealed class JobActivationTests
{
    [Fact]
    public async Task Jobs_run_with_the_services_of_their_own_host_even_when_another_host_was_configured_later()
    {
        await using var first = new PortalAppFactory();
        _ = first.Services;
        await using var second = new PortalAppFactory();
        // Configuring Hangfire in the second host resets Hangfire's static default activator to its services.
        second.Services.GetRequiredService<IGlobalConfiguration>();

        var activator = first.Services.GetRequiredService<JobActivator>();

        // The job's context does not choose the container; a scope of it is all this needs.
        using var scope = activator.BeginScope((JobActivatorContext)null!);
        Assert.Same(first.Services.GetRequiredService<RechargeProcessor>(), scope.Resolve(typeof(RechargeProcessor)));
    }

    [Fact]
    public async Task A_host_still_makes_job_clients_after_another_host_in_the_process_was_disposed()
    {
        await using var first = new PortalAppFactory();
        _ = first.Services;
        var second = new PortalAppFactory();
        // The second host's configuration points Hangfire's static log provider at its logger factory...
        second.Services.GetRequiredService<IGlobalConfiguration>();
        // ...which its disposal disposes, while the first host goes on making job clients.
        await second.DisposeAsync();

        var client = new BackgroundJobClient(first.Services.GetRequiredService<JobStorage>());

        Assert.NotNull(client);
    }
}
