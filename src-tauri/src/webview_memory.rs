//! How much memory the web view takes. Two of WebKitGTK's defaults suit a web browser, not an
//! app that shows one page from its own bundle (docs/benchmarks.md, "Desktop app memory"):
//! - **Compositing on the GPU** ("on demand"): the web process renders through OpenGL, and
//!   where there is no GPU (Xvfb, many virtual machines) through Mesa's software renderer,
//!   which keeps tile and layer buffers of its own. The app paints on the CPU instead: measured
//!   under Xvfb, the web process on the inbox takes 113 MiB instead of 181 (its anonymous
//!   memory 36 MiB instead of 82). A chat list and a timeline scroll smoothly without it, and
//!   it also avoids the blank windows that GPU compositing gives on some Linux drivers.
//! - **The browser's cache model**: memory caches of decoded resources and of whole pages for
//!   going back, sized from the machine's RAM. The document viewer's model turns them off.

/// Applies the app's rendering and cache settings to the web view of `window`.
pub fn apply(window: &tauri::WebviewWindow) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};
        window.with_webview(|webview| {
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        })?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
    Ok(())
}
