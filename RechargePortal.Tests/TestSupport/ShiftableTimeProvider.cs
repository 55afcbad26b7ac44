namespace RechargePortal.Tests.TestSupport;

/// <summary>
/// Real time that a test can move forward, for apps driven by a real browser: timers and
/// timestamps stay real (the page, the circuit and Kestrel keep working), only "now" jumps.
/// </summary>
public sealed class ShiftableTimeProvider : TimeProvider
{
    private long offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
