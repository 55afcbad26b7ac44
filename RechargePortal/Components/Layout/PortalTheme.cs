using MudBlazor;

namespace RechargePortal.Components.Layout;

/// <summary>The portal's MudBlazor theme: Bangladesh green and red, system fonts plus a bundled Bengali font for ৳.</summary>
public static class PortalTheme
{
    private static readonly string[] FontStack =
        ["RP Bengali", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Noto Sans Bengali", "Helvetica", "Arial", "sans-serif"];

    public static MudTheme Create() => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0b6e4f",
            Secondary = "#d62839",
            Tertiary = "#f2a541",
            AppbarBackground = "#0b6e4f",
            AppbarText = "#ffffff",
            Background = "#f5f7f6",
            DrawerBackground = "#ffffff",
            Success = "#2e7d32",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#3fbf8f",
            Secondary = "#ff6b6b",
            Tertiary = "#f2a541",
            AppbarBackground = "#10241d",
            AppbarText = "#e8f3ee",
            Background = "#121816",
            Surface = "#1b2320",
            DrawerBackground = "#161e1b",
            Success = "#66bb6a",
            Error = "#ef5350",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
