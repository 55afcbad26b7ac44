using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Simulation;

/// <summary>
/// Everything that outlives a host: the database file, the clock, the two vendors and their
/// ledgers, the errors live hosts logged, and what the driver did to each recharge.
/// </summary>
internal sealed class SimWorld : IAsyncDisposable
{
    private readonly List<SimHost> zombies = [];
    private readonly ConcurrentDictionary<long, ConcurrentQueue<string>> notes = new();

    public SimWorld(SimulationOptions options)
    {
        Options = options;
        Clock = new FakeTimeProvider(options.StartUtc);
        // A real SQLite file, on tmpfs where there is one: thousands of commits without an fsync each.
        DatabasePath = Directory.Exists("/dev/shm")
            ? Path.Combine("/dev/shm", Path.GetFileName(PortalAppFactory.NewDatabasePath()))
            : PortalAppFactory.NewDatabasePath();
        var crashes = new CrashBudget(options.MaxCrashes);
        Ecare = new FakeVendor(VendorKind.Ecare, "Ecare", options, Clock, crashes);
        Flexi = new FakeVendor(VendorKind.Flexi, "Flexi", options, Clock, crashes);
    }

    public SimulationOptions Options { get; }

    public FakeTimeProvider Clock { get; }

    public string DatabasePath { get; }

    public FakeVendor Ecare { get; }

    public FakeVendor Flexi { get; }

    public IReadOnlyList<FakeVendor> Vendors => [Ecare, Flexi];

    public ConcurrentQueue<string> Errors { get; } = new();

    public SimHost Host { get; private set; } = null!;

    public int Generation { get; private set; }

    public List<string> Restarts { get; } = [];

    public DateTime Now => Clock.GetUtcNow().UtcDateTime;

    public string At => $"t+{(Now - Options.StartUtc).TotalSeconds:0}s";

    public FakeVendor VendorNamed(string name) =>
        Vendors.SingleOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"No fake vendor for provider '{name}'.");

    public async Task StartAsync() => Host = await SimHost.StartAsync(this, ++Generation);

    /// <summary>
    /// A new process on the same database: the dead one stays in memory (its hung handlers still
    /// wait) but can no longer touch the database or a vendor.
    /// </summary>
    public async Task RestartAsync(string why)
    {
        Host.Life.Kill(why);
        Restarts.Add($"{At} host {Host.Life.Generation} → {Generation + 1}: {Host.Life.Cause}");
        zombies.Add(Host);
        Host = await SimHost.StartAsync(this, ++Generation);
    }

    /// <summary>Releases every hung handler and lets the dead hosts finish, then disposes them.</summary>
    public async Task BuryDeadHostsAsync()
    {
        foreach (var vendor in Vendors)
        {
            vendor.ReleaseHung();
        }

        foreach (var zombie in zombies)
        {
            try
            {
                // Bounded: a dead host that cannot finish its dispatches is a finding, not a hang of the test run.
                await zombie.Processor.WhenDispatchedAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                Errors.Enqueue($"dead host {zombie.Life.Generation}: its dispatches did not end within 30 s of releasing the hung handlers");
            }
            catch (Exception)
            {
                // Its work died with it.
            }

            await zombie.DisposeAsync();
        }

        zombies.Clear();
    }

    public void Note(long rechargeId, string text) =>
        notes.GetOrAdd(rechargeId, _ => new ConcurrentQueue<string>()).Enqueue($"{At} {text}");

    public IReadOnlyList<string> NotesOf(long rechargeId) => notes.TryGetValue(rechargeId, out var q) ? q.ToList() : [];

    public async ValueTask DisposeAsync()
    {
        await BuryDeadHostsAsync();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
