using System.Collections.Concurrent;
using RechargePortal.Providers.CallLog;

namespace RechargePortal.Tests.TestSupport;

/// <summary>A call log kept in memory, for adapter tests that need no database.</summary>
public sealed class RecordingCallLog : IUpstreamCallLog
{
    public ConcurrentQueue<UpstreamCall> Calls { get; } = new();

    public Task RecordAsync(UpstreamCall call, CancellationToken ct = default)
    {
        Calls.Enqueue(call);
        return Task.CompletedTask;
    }
}
