using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;

namespace RechargePortal.Data;

/// <summary>
/// Carries the in-process notifiers' events to the portal's other instances, so a page whose circuit lives on
/// instance A hears of a recharge instance B settled. On SQLite (one instance) it does nothing; on PostgreSQL
/// <see cref="PostgreSqlNotificationRelay"/> sends what is published with <c>pg_notify</c> and hands back what the
/// other instances sent. A notifier publishes after raising its event locally, and subscribes for the remote copies.
/// </summary>
public sealed class ClusterNotifications
{
    /// <summary>The one PostgreSQL channel every instance of one database listens on; the envelope's kind tells notifiers apart.</summary>
    public const string PgChannel = "recharge_portal_events";

    /// <summary>PostgreSQL refuses a payload of 8000 bytes or more; messages are ids and statuses, far below.</summary>
    public const int MaxPayloadBytes = 7900;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly ConcurrentDictionary<string, ImmutableHandlers> handlers = new();
    private readonly Channel<string> outbox = Channel.CreateBounded<string>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly ILogger<ClusterNotifications> logger;

    public ClusterNotifications(ILogger<ClusterNotifications> logger, bool relayed = false)
    {
        this.logger = logger;
        Relayed = relayed;
    }

    /// <summary>
    /// This host's mark on what it publishes, so it skips its own notifications when they come back. Not the instance id
    /// <c>/health</c> shows: two hosts in one process (tests) share that.
    /// </summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Whether events travel to other instances (PostgreSQL); false: this is the only instance.</summary>
    public bool Relayed { get; }

    /// <summary>Whether this instance hears the others now (its LISTEN connection is open); always false on SQLite.</summary>
    public bool Listening => listening;

    private volatile bool listening;

    internal void MarkListening(bool value) => listening = value;

    /// <summary>Queues <paramref name="message"/> for the other instances; never blocks nor throws (a full queue drops its oldest).</summary>
    public void Publish<T>(string kind, T message)
    {
        if (!Relayed)
        {
            return;
        }

        var payload = JsonSerializer.Serialize(new Envelope(Origin, kind, JsonSerializer.SerializeToElement(message, Json)), Json);
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            logger.LogWarning("A {Kind} notification of {Bytes} bytes is too large for other instances; only this one shows it.", kind, Encoding.UTF8.GetByteCount(payload));
            return;
        }

        outbox.Writer.TryWrite(payload);
    }

    /// <summary>Calls <paramref name="onRemote"/> for each <paramref name="kind"/> message another instance published.</summary>
    public void Subscribe<T>(string kind, Action<T> onRemote) =>
        handlers.AddOrUpdate(kind, _ => new([Wrap(onRemote)]), (_, existing) => new([.. existing.List, Wrap(onRemote)]));

    internal ChannelReader<string> Outbox => outbox.Reader;

    /// <summary>A payload heard on <see cref="PgChannel"/>: handed to the kind's subscribers unless this host sent it.</summary>
    internal void Deliver(string payload)
    {
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(payload, Json);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Ignored a notification that is not a portal event: {Error}", e.Message);
            return;
        }

        if (envelope is null || envelope.Origin == Origin || !handlers.TryGetValue(envelope.Kind, out var subscribed))
        {
            return;
        }

        foreach (var handler in subscribed.List)
        {
            try
            {
                handler(envelope.Message);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A {Kind} notification from another instance could not be delivered here.", envelope.Kind);
            }
        }
    }

    private static Action<JsonElement> Wrap<T>(Action<T> onRemote) => element =>
    {
        if (element.Deserialize<T>(Json) is { } message)
        {
            onRemote(message);
        }
    };

    private sealed record Envelope(string Origin, string Kind, JsonElement Message);

    private sealed record ImmutableHandlers(Action<JsonElement>[] List);
}
