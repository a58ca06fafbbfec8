"""A PyTorch multilayer perceptron for classification and regression; loss reported per epoch."""
import numpy as np
import torch
from torch import nn


class Mlp(nn.Module):
    def __init__(self, inputs, hidden, outputs):
        super().__init__()
        layers, width = [], inputs
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers.append(nn.Linear(width, outputs))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class MlpModel:
    """Holds the network and, for regression, the target scaling; picklable with torch.save."""

    def __init__(self, task, hp, seed, n_classes):
        self.task = task
        self.hidden = list(hp.get("hidden_layers", [64, 32]))
        self.epochs = int(hp.get("epochs", 100))
        self.batch_size = int(hp.get("batch_size", 16))
        self.learning_rate = float(hp.get("learning_rate", 0.01))
        self.weight_decay = float(hp.get("weight_decay", 0.0))
        self.seed = seed
        self.n_classes = n_classes
        self.net = None
        self.y_mean, self.y_std = 0.0, 1.0

    def fit(self, x, y, report, on_epoch_loss):
        torch.manual_seed(self.seed)
        generator = torch.Generator().manual_seed(self.seed)
        features = torch.tensor(np.asarray(x, dtype=np.float32))
        if self.task == "classification":
            targets = torch.tensor(np.asarray(y), dtype=torch.long)
            loss_fn, outputs = nn.CrossEntropyLoss(), self.n_classes
        else:
            self.y_mean, self.y_std = float(np.mean(y)), float(np.std(y)) or 1.0
            targets = torch.tensor((np.asarray(y, dtype=np.float32) - self.y_mean) / self.y_std).unsqueeze(1)
            loss_fn, outputs = nn.MSELoss(), 1
        self.net = Mlp(features.shape[1], self.hidden, outputs)
        optimiser = torch.optim.Adam(self.net.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
        n = features.shape[0]
        for epoch in range(1, self.epochs + 1):
            self.net.train()
            order = torch.randperm(n, generator=generator)
            total = 0.0
            for start in range(0, n, self.batch_size):
                batch = order[start : start + self.batch_size]
                optimiser.zero_grad()
                loss = loss_fn(self.net(features[batch]), targets[batch])
                loss.backward()
                optimiser.step()
                total += loss.item() * len(batch)
            on_epoch_loss(epoch, total / n)
            report(epoch / self.epochs, f"epoch {epoch}/{self.epochs}")
        return self

    def predict(self, x):
        self.net.eval()
        with torch.no_grad():
            out = self.net(torch.tensor(np.asarray(x, dtype=np.float32)))
        if self.task == "classification":
            proba = torch.softmax(out, dim=1).numpy()
            return proba.argmax(axis=1), proba
        return out.squeeze(1).numpy() * self.y_std + self.y_mean, None
