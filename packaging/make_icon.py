"""Draw gdviz's icon: contour rings of a bowl in viridis colours and a descent path.

Writes resources/gdviz.png (512 px), resources/gdviz-256.png, resources/gdviz.ico
(Windows, 16-256 px) and resources/gdviz.icns (macOS). The files are committed; run
``.venv/bin/python packaging/make_icon.py`` again only to change the design.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SIZE = 512
SCALE = 4  # draw large and shrink: smooth edges without antialiasing support
# viridis from the rim (yellow) to the minimum (dark purple)
RINGS = ["#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89", "#26828e", "#31688e",
         "#3e4989", "#482878", "#440154"]
PATH_COLOUR = "#ffffff"
HEAD_COLOUR = "#E69F00"  # the app's first run colour


def bowl_point(t: float, centre: tuple[float, float], radius: float) -> tuple[float, float]:
    """A point of the descent path: gradient descent's damped zig-zag across the narrow
    valley, from the left rim (t = 0) to the minimum (t = 1)."""
    cx, cy = centre
    x = cx - radius * 0.72 * (1 - t) ** 1.4
    side = -1 if round(t * 7) % 2 == 0 else 1
    y = cy + side * radius * 0.36 * (1 - t) ** 1.2
    return x, y


def draw(size: int = SIZE) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = big * 0.04
    corner = big * 0.2
    draw.rounded_rectangle((margin, margin, big - margin, big - margin), radius=corner,
                           fill=RINGS[0])
    centre = (big * 0.56, big * 0.58)
    radius = big * 0.62
    for i, colour in enumerate(RINGS[1:], start=1):
        r = radius * (1 - i / len(RINGS))
        box = (centre[0] - r, centre[1] - r * 0.62, centre[0] + r, centre[1] + r * 0.62)
        draw.ellipse(box, fill=colour, outline="#ffffff80", width=big // 160)
    # clip the rings to the rounded square
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle((margin, margin, big - margin, big - margin),
                                           radius=corner, fill=255)
    clipped = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    clipped.paste(image, (0, 0), mask)
    draw = ImageDraw.Draw(clipped)
    points = [bowl_point(k / 7, centre, radius) for k in range(8)]
    width = big // 36
    draw.line(points, fill=PATH_COLOUR, width=width, joint="curve")
    dot = big * 0.028
    for x, y in points[:-1]:
        draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=PATH_COLOUR)
    # the last step as an arrow head landing on the minimum
    (x0, y0), (x1, y1) = points[-2], points[-1]
    angle = math.atan2(y1 - y0, x1 - x0)
    head = big * 0.09
    left = (x1 - head * math.cos(angle - 0.5), y1 - head * math.sin(angle - 0.5))
    right = (x1 - head * math.cos(angle + 0.5), y1 - head * math.sin(angle + 0.5))
    draw.polygon([(x1, y1), left, right], fill=HEAD_COLOUR)
    start = points[0]
    r = big * 0.05
    draw.ellipse((start[0] - r, start[1] - r, start[0] + r, start[1] + r), fill=HEAD_COLOUR,
                 outline=PATH_COLOUR, width=big // 120)
    return clipped.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    RESOURCES.mkdir(exist_ok=True)
    icon = draw(SIZE)
    icon.save(RESOURCES / "gdviz.png", optimize=True)
    icon.resize((256, 256), Image.Resampling.LANCZOS).save(RESOURCES / "gdviz-256.png",
                                                           optimize=True)
    icon.save(RESOURCES / "gdviz.ico",
              sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    icon.save(RESOURCES / "gdviz.icns")
    for path in sorted(RESOURCES.glob("gdviz*")):
        print(f"{path.relative_to(RESOURCES.parent)}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
