//! A small WebDriver client (W3C JSON wire protocol over HTTP) for driving the real app through
//! tauri-driver: sessions, finding elements by CSS or XPath, clicking, typing, reading text.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// W3C's key for element references in responses.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
}

#[derive(Clone, Debug)]
pub struct Element(String);

pub type Result<T> = std::result::Result<T, String>;

impl Driver {
    /// Starts a session with the app at `application`, launched with `args`.
    pub async fn start(port: u16, application: &str, args: &[&str]) -> Result<Driver> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().map_err(|e| e.to_string())?;
        let base = format!("http://127.0.0.1:{port}");
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": { "application": application, "args": args },
                }
            }
        });
        let response =
            http.post(format!("{base}/session")).json(&capabilities).send().await.map_err(|e| e.to_string())?;
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        let session = body["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session from tauri-driver: {body}"))?
            .to_owned();
        Ok(Driver { http, base, session })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{path}: {status}: {}", body["value"]));
        }
        Ok(body["value"].clone())
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Result<Value> {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn find_by(&self, using: &str, value: &str) -> Result<Vec<Element>> {
        let found = self.post("/elements", json!({ "using": using, "value": value })).await?;
        Ok(found
            .as_array()
            .map(|items| items.iter().filter_map(|e| e[ELEMENT].as_str()).map(|id| Element(id.to_owned())).collect())
            .unwrap_or_default())
    }

    /// Waits up to `timeout` for an element matching `selector` (CSS, or XPath when it starts
    /// with `/` or `(`) that is displayed.
    pub async fn wait_for(&self, selector: &str, timeout: Duration) -> Result<Element> {
        let using = if selector.starts_with('/') || selector.starts_with('(') { "xpath" } else { "css selector" };
        let deadline = Instant::now() + timeout;
        loop {
            for element in self.find_by(using, selector).await.unwrap_or_default() {
                if self.displayed(&element).await.unwrap_or(false) {
                    return Ok(element);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("waited {timeout:?} in vain for {selector}"));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Finds `selector` and clicks it, finding it again if the page re-rendered it in between
    /// (React replaces nodes; a reference can go stale between finding and clicking).
    pub async fn click_on(&self, selector: &str, timeout: Duration) -> Result<()> {
        self.retry(selector, timeout, |element| async move { self.click(&element).await }).await
    }

    /// Finds `selector` and types `text` into it, finding it again if it went stale.
    pub async fn type_into(&self, selector: &str, text: &str, timeout: Duration) -> Result<()> {
        self.retry(selector, timeout, |element| async move { self.send_keys(&element, text).await }).await
    }

    async fn retry<F, Fut>(&self, selector: &str, timeout: Duration, act: F) -> Result<()>
    where
        F: Fn(Element) -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            let element = self.wait_for(selector, timeout).await?;
            match act(element).await {
                Ok(()) => return Ok(()),
                Err(error) if Instant::now() > deadline => return Err(error),
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }

    pub async fn displayed(&self, element: &Element) -> Result<bool> {
        Ok(self.get(&format!("/element/{}/displayed", element.0)).await?.as_bool().unwrap_or(false))
    }

    pub async fn click(&self, element: &Element) -> Result<()> {
        self.post(&format!("/element/{}/click", element.0), json!({})).await.map(drop)
    }

    pub async fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        self.post(&format!("/element/{}/value", element.0), json!({ "text": text })).await.map(drop)
    }

    /// Runs `script` in the page and returns its value (for diagnostics only; the test drives
    /// the app as a person would).
    pub async fn execute(&self, script: &str) -> Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": [] })).await
    }

    pub async fn quit(&self) {
        let url = format!("{}/session/{}", self.base, self.session);
        let _ = self.http.delete(url).send().await;
    }
}
