"""The Korean edition's catalogue of the prose feedback shows (see grader/hidden/messages.py).

TEXTS maps each English text exactly to its Korean: every Hint's message, Budget's advice
and Spec's `expects` of the registries (grader/hidden/aNN_*.py), and the grader's own
phrases. A changed English text has no Korean until it is translated again here:
tests/test_feedback_language.py fails on it, so no hint reaches one edition only.
Case descriptions are built from sizes and options, so they are translated phrase by phrase
(PHRASE_RULES, regular expressions over one comma-separated phrase), or whole (DESCRIPTIONS).

Terms as in docs/glossary.md; function names, argument names, shapes, numbers and code stay
as they are.
"""

TEXTS: dict[str, str] = {
    # --- a00 ---
    "rows and columns swapped": "행과 열이 뒤바뀌었습니다",
    "a numpy array of numbers": "숫자로 된 numpy 배열",
    # --- a01 ---
    "too large by a factor 1/dtau: multiply the sum by the grid step":
        "1/dtau배만큼 너무 큽니다: 합에 격자 간격을 곱하세요",
    "g is not flipped: the integrand is f(tau) g(t - tau)":
        "g를 뒤집지 않았습니다: 피적분 함수는 f(tau) g(t - tau)입니다",
    "evaluate f and g on whole arrays (no Python loop over tau)":
        "f와 g를 배열 전체에 대해 한 번에 계산하세요 (tau에 대한 Python 루프 없이)",
    "looks like cross-correlation: did you flip the kernel?": "교차상관처럼 보입니다: 커널을 뒤집었습니까?",
    "the kernel is flipped: cross-correlation uses k[p] * x[i + p] with no flip":
        "커널이 뒤집혔습니다: 교차상관은 커널을 뒤집지 않고 k[p] * x[i + p]를 사용합니다",
    # --- a02 ---
    "the kernel is flipped: cross-correlation does not flip it": "커널이 뒤집혔습니다: 교차상관은 커널을 뒤집지 않습니다",
    "kernel rows and columns swapped (kernel.T)": "커널의 행과 열이 뒤바뀌었습니다 (kernel.T)",
    "the kernel is flipped upside down only: flip both axes": "커널을 위아래로만 뒤집었습니다: 두 축을 모두 뒤집으세요",
    "the kernel is flipped left-right only: flip both axes": "커널을 좌우로만 뒤집었습니다: 두 축을 모두 뒤집으세요",
    "the kernel is transposed (kernel.T), not flipped: use kernel[::-1, ::-1]":
        "커널을 뒤집지 않고 전치했습니다 (kernel.T): kernel[::-1, ::-1]을 사용하세요",
    "not normalised: divide by the sum so the kernel sums to 1":
        "정규화하지 않았습니다: 합으로 나누어 커널의 합이 1이 되게 하세요",
    "the exponent is -(i^2 + j^2) / sigma^2: it should divide by 2 sigma^2":
        "지수가 -(i^2 + j^2) / sigma^2입니다: 2 sigma^2로 나누어야 합니다",
    "the peak is at a corner: measure i and j from the centre": "최댓값이 모서리에 있습니다: i와 j를 중심에서부터 재세요",
    # --- a03 ---
    "the bias is missing: add b[o] to every value of output channel o":
        "편향이 빠졌습니다: 출력 채널 o의 모든 값에 b[o]를 더하세요",
    "the bias is added once per input channel: add it once per output channel":
        "편향을 입력 채널마다 한 번씩 더했습니다: 출력 채널마다 한 번씩 더하세요",
    "the kernels are flipped: a CNN layer computes cross-correlation (no flip)":
        "커널이 뒤집혔습니다: CNN 계층은 교차상관을 계산합니다 (뒤집지 않음)",
    "only the last input channel counts: accumulate over channels with +=, not =":
        "마지막 입력 채널만 반영되었습니다: 채널에 걸쳐 =가 아니라 +=로 누적하세요",
    "only the first input channel counts: sum over all C_in channels":
        "첫 번째 입력 채널만 반영되었습니다: C_in개 채널 전체에 걸쳐 합하세요",
    "kernel rows and columns swapped (each kernel transposed)": "커널의 행과 열이 뒤바뀌었습니다 (각 커널이 전치됨)",
    "the channels are averaged: a filter sums its C_in channel responses":
        "채널을 평균했습니다: 필터는 C_in개 채널의 응답을 합합니다",
    "negative values became positive (abs): ReLU sets them to 0":
        "음수 값이 양수가 되었습니다 (abs): ReLU는 음수 값을 0으로 만듭니다",
    "the negative part was kept: ReLU keeps max(x, 0)": "음수 부분을 남겼습니다: ReLU는 max(x, 0)을 남깁니다",
    "a 0/1 mask, not the values: keep x where x > 0": "값이 아니라 0/1 마스크입니다: x > 0인 곳에서 x를 남기세요",
    # --- a04 ---
    "all the zeros went to the bottom and right: pad is per side":
        "0이 모두 아래쪽과 오른쪽에 들어갔습니다: pad는 한쪽에 들어가는 크기입니다",
    "every axis was padded: pad only the last two (height and width)":
        "모든 축에 패딩했습니다: 마지막 두 축 (높이와 너비)에만 패딩하세요",
    "height and width padding are swapped: a pair is (ph, pw)":
        "높이와 너비의 패딩이 뒤바뀌었습니다: 쌍은 (ph, pw)입니다",
    "padding counted once: it is added on both sides, 2p": "패딩을 한 번만 셌습니다: 패딩은 양쪽에 더해지므로 2p입니다",
    "off by two: the formula ends in + 1, not - 1 (an erratum of the lecture notes)":
        "2만큼 어긋났습니다: 공식은 - 1이 아니라 + 1로 끝납니다 (강의 노트의 오류)",
    "rounded up: a window that does not fit is dropped (floor)":
        "올림했습니다: 들어맞지 않는 윈도우는 버립니다 (내림, floor)",
    "the stride is ignored": "스트라이드를 무시했습니다",
    "the dilation is ignored: a dilated filter spans d*(f - 1) + 1 cells":
        "팽창을 무시했습니다: 팽창된 필터는 d*(f - 1) + 1칸에 걸칩니다",
    "the dilated filter spans d*(f - 1) + 1 cells, not d*f: there is nothing after its last tap":
        "팽창된 필터는 d*f칸이 아니라 d*(f - 1) + 1칸에 걸칩니다: 마지막 탭 뒤에는 아무것도 없습니다",
    "the dilation was used as a stride: it spreads the filter's taps, the window still moves by `stride`":
        "팽창을 스트라이드로 사용했습니다: 팽창은 필터의 탭 사이를 벌릴 뿐이고, 윈도우는 여전히 `stride`만큼 움직입니다",
    "off by one: the filter spans d*(f - 1) + 1 cells (f without dilation), the last tap included":
        "1만큼 어긋났습니다: 필터는 마지막 탭을 포함해 d*(f - 1) + 1칸 (팽창이 없으면 f칸)에 걸칩니다",
    "a filter larger than the padded input never fits": "패딩된 입력보다 큰 필터는 결코 들어맞지 않습니다",
    "the padding is ignored": "패딩을 무시했습니다",
    "that is the total over both sides: padding is per side, (f - 1) // 2":
        "양쪽을 합한 값입니다: 패딩은 한쪽에 들어가는 크기이므로 (f - 1) // 2입니다",
    "one too many: (f - 1) // 2": "1만큼 많습니다: (f - 1) // 2입니다",
    "the stride is ignored: move the window by `stride` pixels":
        "스트라이드를 무시했습니다: 윈도우를 `stride` 픽셀씩 옮기세요",
    "the stride pair is swapped: stride=(sh, sw) is (rows, columns)":
        "스트라이드 쌍이 뒤바뀌었습니다: stride=(sh, sw)는 (행, 열)입니다",
    "the padding pair is swapped: padding=(ph, pw) is (rows, columns)":
        "패딩 쌍이 뒤바뀌었습니다: padding=(ph, pw)는 (행, 열)입니다",
    "the stride is applied to the rows only": "스트라이드를 행에만 적용했습니다",
    "the bias is missing: add b[o] to output channel o": "편향이 빠졌습니다: 출력 채널 o에 b[o]를 더하세요",
    "only the first image of the batch was computed": "배치의 첫 번째 이미지만 계산했습니다",
    "every sample got the same output: compute each image of the batch":
        "모든 샘플이 같은 출력을 받았습니다: 배치의 이미지마다 따로 계산하세요",
    "all the padding rows went to the bottom: ph rows at the top and ph at the bottom":
        "패딩 행이 모두 아래쪽에 들어갔습니다: 위쪽에 ph행, 아래쪽에 ph행이 들어갑니다",
    "all the padding went to the bottom and right: pad is per side":
        "패딩이 모두 아래쪽과 오른쪽에 들어갔습니다: 패딩은 한쪽에 들어가는 크기입니다",
    "the dilation is ignored: the kernel's taps are `dilation` pixels apart":
        "팽창을 무시했습니다: 커널의 탭은 `dilation` 픽셀 간격으로 떨어져 있습니다",
    "the dilation pair is swapped: dilation=(dh, dw) is (rows, columns)":
        "팽창 쌍이 뒤바뀌었습니다: dilation=(dh, dw)는 (행, 열)입니다",
    "the dilation is applied to the rows only": "팽창을 행에만 적용했습니다",
    "the output is too small: a dilated kernel spans d*(k - 1) + 1 pixels, not d*k":
        "출력이 너무 작습니다: 팽창된 커널은 d*k 픽셀이 아니라 d*(k - 1) + 1 픽셀에 걸칩니다",
    "the dilation moved the window: the window moves by `stride`, and the dilation spreads the kernel's taps "
    "inside it":
        "팽창이 윈도우를 옮겼습니다: 윈도우는 `stride`만큼 움직이고, 팽창은 윈도우 안에서 커널의 탭 사이를 벌립니다",
    "the taps are too far apart: with dilation d they are d pixels apart (d - 1 pixels skipped between two taps)":
        "탭 사이가 너무 멉니다: 팽창이 d이면 탭은 d 픽셀 간격입니다 (두 탭 사이에서 d - 1 픽셀을 건너뜀)",
    # --- a05 ---
    "these are window averages: max pooling keeps each window's largest value":
        "윈도우의 평균입니다: 최대 풀링은 각 윈도우의 가장 큰 값을 남깁니다",
    "the windows move one pixel at a time: the stride defaults to the window size":
        "윈도우가 한 픽셀씩 움직입니다: 스트라이드의 기본값은 윈도우 크기입니다",
    "height and width are swapped: a pair is (h, w)": "높이와 너비가 뒤바뀌었습니다: 쌍은 (h, w)입니다",
    "these are window maxima: average pooling takes each window's mean":
        "윈도우의 최댓값입니다: 평균 풀링은 각 윈도우의 평균을 취합니다",
    "these are window sums: divide by the number of values in the window":
        "윈도우의 합입니다: 윈도우 안의 값의 개수로 나누세요",
    "the output keeps its 1x1 spatial axes: return shape (N, C)":
        "출력에 1x1 공간 축이 남아 있습니다: 형태 (N, C)를 반환하세요",
    "these are sums: divide by H * W": "합입니다: H * W로 나누세요",
    "these are maxima: global *average* pooling": "최댓값입니다: 전역 *평균* 풀링입니다",
    # --- a06 ---
    "the biases are missing: one per filter when bias=True": "편향이 빠졌습니다: bias=True이면 필터마다 하나씩 있습니다",
    "biases counted although bias=False": "bias=False인데도 편향을 셌습니다",
    "groups ignored: each filter sees only c_in // groups input channels":
        "groups를 무시했습니다: 각 필터는 입력 채널 c_in // groups개만 봅니다",
    "divided by groups twice: there are still c_out filters": "groups로 두 번 나누었습니다: 필터는 여전히 c_out개입니다",
    "the biases are missing: one per output": "편향이 빠졌습니다: 출력마다 하나씩 있습니다",
    "one bias per input": "편향을 입력마다 하나씩 셌습니다",
    "groups ignored: each filter sees only c_in // groups channels":
        "groups를 무시했습니다: 각 필터는 채널 c_in // groups개만 봅니다",
    "these are the weights: multiply by the number of output positions, out_h * out_w":
        "가중치의 수입니다: 출력 위치의 수 out_h * out_w를 곱하세요",
    "the output is out_h x out_w: a pair (h, w) is not square": "출력은 out_h x out_w입니다: 쌍 (h, w)는 정사각형이 아닙니다",
    "the biases are not counted": "편향을 세지 않았습니다",
    "a pooling layer's stride defaults to its kernel_size, not 1": "풀링 계층의 스트라이드 기본값은 1이 아니라 kernel_size입니다",
    "a conv layer's groups are ignored": "conv 계층의 groups를 무시했습니다",
    "a list of dicts, one per layer, each with 'output_shape' (a tuple of ints) and 'params' (an int)":
        "계층마다 하나씩, 'output_shape' (int의 튜플)와 'params' (int)를 가진 dict의 리스트",
    # --- a07 ---
    "the strides are ignored: after a stride-s layer each step covers s input pixels":
        "스트라이드를 무시했습니다: 스트라이드가 s인 계층 다음에서는 한 걸음이 입력 픽셀 s개를 덮습니다",
    "a layer's own stride does not enlarge its own field, only the layers after it":
        "계층의 스트라이드는 그 계층 자신의 수용 영역을 넓히지 않고, 그 뒤 계층들의 수용 영역만 넓힙니다",
    "the kernel sizes are multiplied: they add up (k - 1 each, times the strides before)":
        "커널 크기를 곱했습니다: 커널 크기는 더해집니다 (각각 k - 1에 앞선 스트라이드들을 곱한 만큼)",
    # --- a08 ---
    "looks like a forward difference (f(x+h) - f(x)) / h: use the central difference (f(x+h) - f(x-h)) / (2h)":
        "전진 차분 (f(x+h) - f(x)) / h로 보입니다: 중앙 차분 (f(x+h) - f(x-h)) / (2h)를 사용하세요",
    "twice the gradient: divide f(x+h) - f(x-h) by 2h, not by h":
        "기울기의 두 배입니다: f(x+h) - f(x-h)를 h가 아니라 2h로 나누세요",
    "the step h is ignored: use the h you are given": "간격 h를 무시했습니다: 주어진 h를 사용하세요",
    "dx has the kernel flipped the wrong way: each output sends dout times w (not flipped) back onto the inputs "
    "its window covered; as a window sliding over dout, that is the flipped kernel (a full convolution)":
        "dx에서 커널을 반대로 뒤집었습니다: 각 출력은 dout에 (뒤집지 않은) w를 곱한 값을 자기 윈도우가 덮었던 "
        "입력들로 되돌려 보냅니다. 이를 dout 위를 미끄러지는 윈도우로 보면 뒤집힌 커널 (full 합성곱)입니다",
    "dw holds only the last image of the batch: accumulate over the batch with +=, not =":
        "dw에 배치의 마지막 이미지만 담겼습니다: 배치에 걸쳐 =가 아니라 +=로 누적하세요",
    "db must sum dout over the batch and all positions": "db는 배치와 모든 위치에 걸쳐 dout을 합해야 합니다",
    "a tuple (dx, dw, db)": "튜플 (dx, dw, db)",
    "where windows overlap, a cell that is the maximum of two windows gets both gradients: accumulate with +=, "
    "not =":
        "윈도우가 겹치는 곳에서 두 윈도우의 최댓값인 칸은 두 기울기를 모두 받습니다: =가 아니라 +=로 누적하세요",
    "the gradient is spread over the whole window (that is average pooling's): max pooling sends it only to the "
    "window's maximum":
        "기울기를 윈도우 전체에 나누어 주었습니다 (평균 풀링의 방식입니다): 최대 풀링은 기울기를 윈도우의 최댓값에만 "
        "보냅니다",
    "where windows overlap, a cell inside two windows gets a share of both: accumulate with +=, not =":
        "윈도우가 겹치는 곳에서 두 윈도우에 속한 칸은 양쪽의 몫을 모두 받습니다: =가 아니라 +=로 누적하세요",
    "each window averages kh * kw inputs, so each of them gets dout / (kh * kw), not all of dout":
        "각 윈도우는 입력 kh * kw개를 평균하므로, 입력 하나는 dout 전체가 아니라 dout / (kh * kw)를 받습니다",
    "the whole gradient went to the window's maximum (that is max pooling's): average pooling shares it equally "
    "among all cells of the window":
        "기울기 전체가 윈도우의 최댓값으로 갔습니다 (최대 풀링의 방식입니다): 평균 풀링은 기울기를 윈도우의 모든 "
        "칸에 똑같이 나눕니다",
    "a kh x kw window has kh * kw cells, not kh * kh: windows need not be square":
        "kh x kw 윈도우의 칸 수는 kh * kh가 아니라 kh * kw입니다: 윈도우가 정사각형일 필요는 없습니다",
    "the kernel is flipped: each input pixel pastes w as it is (not flipped), scaled by the pixel, at its place "
    "in the output":
        "커널이 뒤집혔습니다: 각 입력 픽셀은 w를 (뒤집지 않고) 그대로, 픽셀 값을 곱해 출력의 제자리에 붙여 넣습니다",
    "w has shape (C_in, C_out, KH, KW) here, as in PyTorch's conv_transpose2d: w[c, o] links input channel c to "
    "output channel o (conv2d's w is the other way round)":
        "여기서 w의 형태는 PyTorch의 conv_transpose2d처럼 (C_in, C_out, KH, KW)입니다: w[c, o]는 입력 채널 c를 "
        "출력 채널 o에 잇습니다 (conv2d의 w는 그 반대입니다)",
    "where the pasted kernels overlap, their contributions add up: accumulate with +=, not =":
        "붙여 넣은 커널이 겹치는 곳에서는 기여가 더해집니다: =가 아니라 +=로 누적하세요",
    "the bias is missing: b[o] is added to every position of output channel o":
        "편향이 빠졌습니다: b[o]는 출력 채널 o의 모든 위치에 더해집니다",
    "the padding is cropped from one side only: cut p rows off the top and p off the bottom (and p columns off "
    "each side)":
        "패딩을 한쪽에서만 잘라 냈습니다: 위에서 p행, 아래에서 p행을 잘라 내세요 (열도 양쪽에서 p열씩)",
    "the stride is ignored where the kernels are pasted: input pixel (i, j) pastes its kernel at row i * sh, "
    "column j * sw of the output":
        "커널을 붙여 넣을 때 스트라이드를 무시했습니다: 입력 픽셀 (i, j)는 자기 커널을 출력의 i * sh행, j * sw열에 "
        "붙여 넣습니다",
    # --- a09 ---
    "transposed: one row per output position, one column per (c, p, q)":
        "전치되었습니다: 출력 위치마다 한 행, (c, p, q)마다 한 열입니다",
    "the columns are in (p, q, c) order: use (c, p, q), the order of w.reshape(C_out, -1)":
        "열이 (p, q, c) 순서입니다: w.reshape(C_out, -1)의 순서인 (c, p, q)를 사용하세요",
    "is there a Python loop over output positions? Gather the windows and use one matrix product (a loop over the "
    "kernel's taps is fine)":
        "출력 위치에 대한 Python 루프가 있습니까? 윈도우를 모아 행렬 곱 한 번으로 계산하세요 (커널의 탭에 대한 "
        "루프는 괜찮습니다)",
    # --- a10 ---
    "summed over the batch: the loss is the mean over samples (and so is its gradient)":
        "배치에 걸쳐 합했습니다: 손실은 샘플에 대한 평균입니다 (기울기도 마찬가지입니다)",
    "dlogits is the softmax itself: subtract 1 at each sample's true class":
        "dlogits가 소프트맥스 그 자체입니다: 각 샘플의 정답 클래스에서 1을 빼세요",
    "a tuple (loss, dlogits)": "튜플 (loss, dlogits)",
    "no bias correction: divide m by 1 - beta1**t and v by 1 - beta2**t":
        "편향 보정이 없습니다: m을 1 - beta1**t로, v를 1 - beta2**t로 나누세요",
    "that is a plain gradient step: Adam divides the averaged gradient by sqrt(v_hat) + eps":
        "단순한 경사 하강 한 걸음입니다: Adam은 평균한 기울기를 sqrt(v_hat) + eps로 나눕니다",
    "a tuple (param, m, v)": "튜플 (param, m, v)",
    "an array of predicted labels, one per image": "이미지마다 하나씩, 예측한 레이블의 배열",
    # --- the grader: a forbidden call's stand-in for a running thread (grader/inkernel/forbidden.py) ---
    "a thread started by the notebook": "노트북이 시작한 스레드",
    # --- the grader: why a test cell scores 0 (grader/preprocessors.RecordTestCells) ---
    "the test cell was deleted (or re-typed as a new cell)": "테스트 셀이 삭제되었습니다 (또는 새 셀로 다시 입력되었습니다)",
    "the test cell was changed to another cell type": "테스트 셀이 다른 종류의 셀로 바뀌었습니다",
    "the test cell was edited": "테스트 셀이 수정되었습니다",
    # --- how a sandboxed run ended (grader/sandbox.py, grader/inkernel/runner.py) ---
    "not run": "실행되지 않음",
    "kernel died": "커널이 종료됨",
    "notebook time limit": "노트북 시간 제한 초과",
    "killed at the wall-time limit": "전체 실행 시간 제한에 걸려 강제 종료됨",
    "refused": "실행이 거부됨",
    "unknown": "알 수 없음",
    # --- what the static check found (grader/static_check.py), where it is prose ---
    "a change to sys.path": "sys.path 변경",
    "allow_pickle (unpickling runs code)": "allow_pickle (언피클링은 코드를 실행합니다)",
}

# the same, for texts with a number or a name in them: (regular expression, Korean)
TEXT_RULES: list[tuple[str, str]] = [
    (r"no notebook came back: the run was stopped \(exit (-?\d+)\)",
     r"노트북이 돌아오지 않았습니다: 실행이 중단되었습니다 (exit \1)"),
    (r"runner error: (\w+)", r"실행기 오류: \1"),
    (r"(\S+) with a computed name", r"계산된 이름으로 부른 \1"),
    (r"(\S+) with code as computed text", r"계산된 텍스트를 코드로 받은 \1"),
]

# whole descriptions that are names, not lists of sizes and options
DESCRIPTIONS: dict[str, str] = {
    "AlexNet (single stream)": "AlexNet (단일 스트림)",
    "AlexNet (two-GPU, grouped)": "AlexNet (GPU 2개, 그룹 합성곱)",
    "LeNet-5-like": "LeNet-5와 비슷한 네트워크",
    "pairs, groups and no-bias layers": "쌍, groups, 편향 없는 계층",
    "AlexNet's conv and pool layers": "AlexNet의 합성곱 계층과 풀링 계층",
    "conv, 2x2 pool, conv": "합성곱, 2x2 풀링, 합성곱",
    "ResNet's stem: 7x7 stride 2, 3x3 pool": "ResNet의 스템: 7x7 스트라이드 2, 3x3 풀링",
}

_NOUN_KO = {"image": "이미지", "kernel": "커널", "logits": "로짓"}
_KINDS = {"quadratic": "이차 함수", "sines": "사인 함수의 합", "cubic": "삼차 함수", "log sum exp": "log-sum-exp 함수",
          "quadratic form": "이차 형식"}
_FILTER = {"filter": "필터", "kernel": "커널"}
_PADDED = {"": "", "padded ": "패딩된 "}
_COUNT = {"one": "1", "two": "2", "three": "3"}

# one phrase of a description (between its top-level commas) -> its Korean; the first match wins
PHRASE_RULES: list[tuple[str, str]] = [
    # code, shapes and options written as code stay as they are
    (r"([xwk] \(.*\)|x = arange\(\d+\)|\w+ ?= ?\S+|\d+x\d+|(box|tent|bump) \* (box|tent|bump)|(pad|sigma) \S.*)",
     r"\1"),
    (r"(?:an? )?(\d)-D (x|t|w) \(no batch axis\)", r"\1차원 \2 (배치 축 없음)"),
    *[(rf"(?:an? )?(\d)-D {noun}", rf"\1차원 {_NOUN_KO.get(noun, noun)}") for noun in ("image", "kernel", "logits",
                                                                                       "x", "t", "w")],
    (r"stride (\S.*)", r"스트라이드 \1"),
    (r"padding (\S.*)", r"패딩 \1"),
    *[(rf"dilation (\S+): a dilated {en} \(span (\d+)\) larger than the {where}input",
       rf"팽창 \1: {where_ko}입력보다 큰 팽창된 {ko} (\2칸에 걸침)")
      for en, ko in _FILTER.items() for where, where_ko in _PADDED.items()],
    (r"dilation (\(.*\)): a dilated kernel \((\d+ x \d+)\) wider than the padded input",
     r"팽창 \1: 패딩된 입력보다 넓은 팽창된 커널 (\2)"),
    (r"dilation (\S.*)", r"팽창 \1"),
    (r"size larger than len\(x\)", r"len(x)보다 큰 크기"),
    (r"size (\S.*)", r"크기 \1"),
    (r"kernel (\S.*)", r"커널 \1"),
    (r"output (\S.*)", r"출력 \1"),
    (r"no bias|without bias", r"편향 없음"),
    (r"with bias", r"편향 있음"),
    (r"default stride and padding", r"기본 스트라이드와 패딩"),
    (r"default size and stride", r"기본 크기와 스트라이드"),
    (r"default stride", r"기본 스트라이드"),
    (r"default (mode|groups|bias|h)", r"기본 \1"),
    (r"the default h", r"기본 h"),
    (r"x of length (\d+)", r"길이 \1의 x"),
    (r"k of length (\d+)", r"길이 \1의 k"),
    (r"x of shape (\(.*\))", r"형태 \1의 x"),
    (r"parameters of shape (\(.*\))", r"형태 \1의 파라미터"),
    (r"an array of shape (\(.*\))", r"형태 \1의 배열"),
    (r"(\d+) points t", r"t의 점 \1개"),
    (r"(\d+)-point grid", r"\1개 점의 격자"),
    (r"a one-point grid tau", r"점이 하나뿐인 격자 tau"),
    (r"an empty (x|k)", r"빈 \1"),
    (r"k longer than x", r"x보다 긴 k"),
    (r"a (\d+x\d+) image and a (\d+x\d+) kernel", r"\1 이미지와 \2 커널"),
    (r"a (\d+x\d+) window", r"\1 윈도우"),
    (r"a kernel taller than the image", r"이미지보다 높은 커널"),
    (r"a kernel wider than the image", r"이미지보다 넓은 커널"),
    (r"a kernel taller than x", r"x보다 높은 커널"),
    (r"a window taller than x", r"x보다 높은 윈도우"),
    (r"a window larger than x", r"x보다 큰 윈도우"),
    (r"an even size", r"짝수 크기"),
    (r"an even (f=\d+)", r"짝수 \1"),
    (r"a larger odd f", r"더 큰 홀수 f"),
    (r"a negative (sigma|h|pad)", r"음수 \1"),
    (r"a negative pad in a pair", r"쌍 안에 음수가 있는 pad"),
    (r"a negative padding", r"음수 패딩"),
    (r"a negative dilation", r"음수 팽창"),
    (r"a negative dilation in a pair", r"쌍 안에 음수가 있는 팽창"),
    *[(rf"a {en} larger than the {where}input", rf"{where_ko}입력보다 큰 {ko}")
      for en, ko in _FILTER.items() for where, where_ko in _PADDED.items()],
    (r"w with (\d+) input channels for a (\d+)-channel x", r"\2채널 x에 대해 입력 채널이 \1개인 w"),
    (r"w with (\d+) input channels for an x with (\d+)", r"채널이 \2개인 x에 대해 입력 채널이 \1개인 w"),
    (r"w with (\d+) input channels for (\d+)", r"입력 채널 \2개에 대해 입력 채널이 \1개인 w"),
    (r"a bias of length (\d+) for (\d+) filters", r"필터 \2개에 대해 길이 \1인 편향"),
    (r"a bias of (\d+) values for (\d+) output channels", r"출력 채널 \2개에 대해 값이 \1개인 편향"),
    (r"all values negative", r"모든 값이 음수"),
    (r"all values positive", r"모든 값이 양수"),
    (r"zeros", r"모두 0인 배열"),
    (r"groups that divide neither channel count", r"어느 채널 수도 나누어떨어지게 하지 않는 groups"),
    (r"groups that do not divide c_out", r"c_out을 나누어떨어지게 하지 않는 groups"),
    (r"random sizes", r"무작위 크기"),
    (r"random channels", r"무작위 채널 수"),
    (r"random network (\d+) \((\d+) layers, input (\(.*\))\)", r"무작위 네트워크 \1 (계층 \2개, 입력 \3)"),
    (r"random stack (\d+) of (\d+) layers", r"계층 \2개로 된 무작위 스택 \1"),
    (r"fc on an unflattened input", r"평탄화하지 않은 입력 위의 fc"),
    (r"an unknown layer type", r"알 수 없는 계층 type"),
    (r"a conv larger than its input", r"입력보다 큰 conv"),
    *[(rf"{word} (\d+x\d+) layers?", rf"\1 계층 {n}개") for word, n in _COUNT.items()],
    *[(rf"a {kind} f of an array of shape (\(.*\))", rf"형태 \1의 배열에 대한 {ko} f") for kind, ko in _KINDS.items()],
    (r"dout of the wrong shape", r"형태가 틀린 dout"),
    (r"a channel mismatch between x and w", r"x와 w의 채널 수 불일치"),
    (r"a padding that leaves no output column", r"출력 열이 하나도 남지 않는 패딩"),
    (r"(\d+) samples", r"샘플 \1개"),
    (r"(\d+) classes", r"클래스 \1개"),
    (r"very large logits", r"매우 큰 로짓"),
    (r"(\d+) labels for (\d+) samples", r"샘플 \2개에 대해 레이블 \1개"),
    (r"step t = (\d+) \(steps count from 1\)", r"단계 t = \1 (단계는 1부터 셉니다)"),
    (r"step t = (\d+)", r"단계 t = \1"),
    (r"a gradient of another shape than the parameters", r"파라미터와 형태가 다른 기울기"),
    (r"the (\d+) held-out digits", r"홀드아웃 숫자 이미지 \1개"),
]
