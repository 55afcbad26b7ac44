using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RechargePortal.Providers;

/// <summary>
/// Checks every provider section at start, keeps the sandbox out of Production unless allowed, and refuses a plain
/// http address outside Development unless the provider allows it (ECARE sends its password in the query string).
/// Loopback is exempt: nothing leaves the machine (the tests' fake vendors, a local TLS tunnel), as is the in-process sandbox.
/// </summary>
public sealed class ProvidersOptionsValidator(IHostEnvironment environment) : IValidateOptions<ProvidersOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvidersOptions options)
    {
        var errors = new List<string>();
        foreach (var p in options.Accounts)
        {
            var at = $"Providers:{p.Name}";
            var annotations = new List<ValidationResult>();
            if (!Validator.TryValidateObject(p, new ValidationContext(p), annotations, validateAllProperties: true))
            {
                errors.AddRange(annotations.Select(a => $"{at}: {a.ErrorMessage}"));
            }

            switch (p.Kind)
            {
                case null:
                    errors.Add($"{at}:Kind is required (Ecare or Flexi).");
                    continue;
                case ProviderKind.Ecare:
                    CheckAddress(errors, $"{at}:Url", p.Url, p.IsSandbox);
                    Require(errors, $"{at}:AccessId", p.AccessId, p.IsSandbox);
                    Require(errors, $"{at}:AccessPass", p.AccessPass, p.IsSandbox);
                    break;
                case ProviderKind.Flexi:
                    CheckAddress(errors, $"{at}:BaseUrl", p.BaseUrl, p.IsSandbox);
                    Require(errors, $"{at}:User", p.User, p.IsSandbox);
                    Require(errors, $"{at}:Key", p.Key, p.IsSandbox);
                    Require(errors, $"{at}:BandKey", p.BandKey, false);
                    Require(errors, $"{at}:ServiceCode", p.ServiceCode, false);
                    foreach (var (value, meaning) in p.StatusMap)
                    {
                        if (!Enum.TryParse<FlexiStatusMeaning>(meaning, ignoreCase: true, out _))
                        {
                            errors.Add($"{at}:StatusMap:{value} must be Succeeded, Failed or Pending, not '{meaning}'.");
                        }
                    }

                    break;
            }

            if (p.IsPlainHttp && !p.IsLoopback && !p.AllowInsecureHttp && !environment.IsDevelopment())
            {
                errors.Add($"{at}:{p.AddressKey} is plain http outside Development, so {p.Name}'s credentials would cross the network unencrypted " +
                    $"(ECARE sends its password in the query string): use an https:// address, or set {at}:AllowInsecureHttp=true to accept it.");
            }

            if (p.IsSandbox && environment.IsProduction() && !options.AllowSandbox)
            {
                errors.Add($"{at} points at the sandbox in Production; set Providers:AllowSandbox=true to allow it.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckAddress(List<string> errors, string key, string? value, bool sandbox)
    {
        if (sandbox)
        {
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{key} must be an http(s) address or 'sandbox'.");
        }
    }

    private static void Require(List<string> errors, string key, string? value, bool sandbox)
    {
        if (!sandbox && string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{key} is required.");
        }
    }
}

/// <summary>What a Flexi status value means, as configured in <c>StatusMap</c>.</summary>
public enum FlexiStatusMeaning
{
    Pending,
    Succeeded,
    Failed,
}

