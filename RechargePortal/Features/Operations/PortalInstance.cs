namespace RechargePortal.Features.Operations;

/// <summary>Section <c>Portal</c>: settings of this running instance.</summary>
public sealed class PortalInstanceOptions
{
    public const string Section = "Portal";

    /// <summary>The name <c>/health</c> gives this instance; empty: machine name and process id.</summary>
    public string InstanceId { get; set; } = "";
}

/// <summary>Which instance answered: stable for the life of the process, so an operator behind a proxy can tell instances apart.</summary>
public sealed class PortalInstance(Microsoft.Extensions.Options.IOptions<PortalInstanceOptions> options)
{
    public string Id { get; } = string.IsNullOrWhiteSpace(options.Value.InstanceId)
        ? $"{Environment.MachineName}-{Environment.ProcessId}"
        : options.Value.InstanceId.Trim();
}
