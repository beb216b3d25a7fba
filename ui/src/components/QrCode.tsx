// A QR code drawn as React SVG elements (never injected markup).
import QRCode from "qrcode";

export function QrCode({ value, label }: { value: string; label: string }) {
  const code = QRCode.create(value, { errorCorrectionLevel: "M" });
  const size = code.modules.size;
  const cells: string[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (code.modules.get(x, y)) cells.push(`M${x + 2} ${y + 2}h1v1h-1z`);
  }
  return (
    <svg className="qr" viewBox={`0 0 ${size + 4} ${size + 4}`} role="img" aria-label={label} width={176} height={176}>
      <rect className="qr__light" width={size + 4} height={size + 4} />
      <path className="qr__dark" d={cells.join("")} />
    </svg>
  );
}
