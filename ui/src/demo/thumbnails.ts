// Small JPEG thumbnails drawn in code (base64 without the data: prefix, as the engine sends them).
// Outside a browser (unit tests) there is no canvas, and fixtures carry no thumbnail.

export function makeThumbnail(hue: number, width = 160, height = 120): string | null {
  if (typeof document === "undefined") return null;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) return null;
  const sky = context.createLinearGradient(0, 0, 0, height);
  sky.addColorStop(0, `hsl(${hue} 70% 75%)`);
  sky.addColorStop(1, `hsl(${(hue + 40) % 360} 60% 45%)`);
  context.fillStyle = sky;
  context.fillRect(0, 0, width, height);
  context.fillStyle = `hsl(${(hue + 180) % 360} 40% 30%)`;
  context.beginPath();
  context.moveTo(0, height);
  context.lineTo(width * 0.35, height * 0.45);
  context.lineTo(width * 0.6, height * 0.75);
  context.lineTo(width * 0.8, height * 0.55);
  context.lineTo(width, height);
  context.fill();
  context.fillStyle = "hsl(50 95% 70%)";
  context.beginPath();
  context.arc(width * 0.78, height * 0.25, height * 0.1, 0, Math.PI * 2);
  context.fill();
  const url = canvas.toDataURL("image/jpeg", 0.7);
  const comma = url.indexOf(",");
  return comma >= 0 ? url.slice(comma + 1) : null;
}
