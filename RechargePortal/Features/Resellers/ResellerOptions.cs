using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Features.Resellers;

/// <summary>The reseller tree's settings, section <c>Resellers</c>.</summary>
public sealed class ResellerOptions : IValidatableObject
{
    public const string Section = "Resellers";

    /// <summary>Levels of resellers below the admins (a top-level reseller is level 1).</summary>
    [Range(1, 10)]
    public int MaxDepth { get; set; } = 4;

    /// <summary>What each level is called, top first; a level beyond the list is called "Level n".</summary>
    public List<string> LevelNames { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultLevelNames = ["Distributor", "Dealer", "Retailer", "Sub-retailer"];

    /// <summary>The configured names, or the defaults when the section gives none (a bound list adds to, never replaces, an initializer).</summary>
    public IReadOnlyList<string> Names => LevelNames.Count > 0 ? LevelNames : DefaultLevelNames;

    /// <summary>The name of level <paramref name="depth"/> (1 = top).</summary>
    public string LevelName(int depth) =>
        depth >= 1 && depth <= Names.Count ? Names[depth - 1] : $"Level {depth}";

    /// <summary>
    /// <see cref="LevelName"/> as a page shows it: the default names and "Level n" in the reader's language, a configured
    /// name as configured.
    /// </summary>
    public string ShownLevelName(int depth) =>
        depth >= 1 && depth <= Names.Count
            ? LevelNames.Count > 0 ? Names[depth - 1] : Localization.Ui.Text(Names[depth - 1])
            : Localization.Ui.Text("Level {0}", Localization.Display.Number(depth));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LevelNames.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("Resellers:LevelNames has an empty name.", [nameof(LevelNames)]);
        }

        if (LevelNames.Count > 0 && LevelNames.Count < MaxDepth)
        {
            yield return new ValidationResult(
                $"Resellers:LevelNames names {LevelNames.Count} levels but Resellers:MaxDepth allows {MaxDepth}: name every level.", [nameof(LevelNames)]);
        }
    }
}
